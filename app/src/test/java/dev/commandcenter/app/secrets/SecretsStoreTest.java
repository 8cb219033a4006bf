package dev.commandcenter.app.secrets;

import dev.commandcenter.transport.websocket.Scope;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.EnumSet;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

@Timeout(60)
class SecretsStoreTest
{
    @TempDir
    Path tempDir;

    @Test
    void shouldCreateAPrivateDataDirAndStoreWithTwoStrongDistinctTokens() throws Exception
    {
        final Path dataDir = tempDir.resolve("data");

        final SecretsStore store = SecretsStore.open(dataDir);

        assertThat(mode(dataDir)).isEqualTo("rwx------");
        assertThat(mode(store.file())).isEqualTo("rw-------");
        assertThat(store.overlayToken()).hasSizeGreaterThanOrEqualTo(22);
        assertThat(store.adminToken()).hasSizeGreaterThanOrEqualTo(22).isNotEqualTo(store.overlayToken());
        assertThat(Files.exists(dataDir.resolve(SecretsStore.FILE_NAME + ".tmp"))).isFalse();
        assertThat(store.toString()).doesNotContain(store.overlayToken()).doesNotContain(store.adminToken());
        assertThat(SecretsStore.open(dataDir).adminToken()).isEqualTo(store.adminToken());
    }

    @Test
    void shouldTightenAnExistingDataDirAndStore() throws Exception
    {
        final Path dataDir = Files.createDirectories(tempDir.resolve("data"));
        final SecretsStore store = SecretsStore.open(dataDir);
        Files.setPosixFilePermissions(dataDir, PosixFilePermissions.fromString("rwxr-xr-x"));
        Files.setPosixFilePermissions(store.file(), PosixFilePermissions.fromString("rw-r--r--"));

        SecretsStore.open(dataDir);

        assertThat(mode(dataDir)).isEqualTo("rwx------");
        assertThat(mode(store.file())).isEqualTo("rw-------");
    }

    @Test
    void shouldMigrateTheSingleTokenOfAnOlderVersionAsTheOverlayToken() throws Exception
    {
        final Path dataDir = Files.createDirectories(tempDir.resolve("data"));
        final String legacy = "Jq3vX9bT1mR7kP2sW8nL4yH6cF0dG5aZ";
        Files.writeString(dataDir.resolve(SecretsStore.LEGACY_TOKEN_FILE), legacy + "\n", StandardCharsets.US_ASCII);

        final SecretsStore store = SecretsStore.open(dataDir);

        assertThat(store.overlayToken()).isEqualTo(legacy);
        assertThat(store.adminToken()).isNotEqualTo(legacy).hasSizeGreaterThanOrEqualTo(22);
        assertThat(dataDir.resolve(SecretsStore.LEGACY_TOKEN_FILE)).doesNotExist();
        assertThat(SecretsStore.load(dataDir).overlayToken()).isEqualTo(legacy);
    }

    @Test
    void shouldRotateOnlyTheScopeAskedAndKeepOtherEntries()
    {
        final SecretsStore store = SecretsStore.open(tempDir).with("obsPassword", "hunter2-but-longer");

        final SecretsStore rotated = store.rotate(EnumSet.of(Scope.OVERLAY));

        assertThat(rotated.overlayToken()).isNotEqualTo(store.overlayToken());
        assertThat(rotated.adminToken()).isEqualTo(store.adminToken());
        assertThat(SecretsStore.load(tempDir).get("obsPassword")).isEqualTo("hunter2-but-longer");
        assertThat(SecretsStore.load(tempDir).overlayToken()).isEqualTo(rotated.overlayToken());
    }

    @Test
    void shouldRefuseAStoreHoldingAWeakTokenNamingTheEntryButNotTheToken() throws Exception
    {
        SecretsStore.open(tempDir);
        Files.writeString(tempDir.resolve(SecretsStore.FILE_NAME), "{\"overlayToken\":\"letmein\",\"adminToken\":\"" +
            "Jq3vX9bT1mR7kP2sW8nL4yH6cF0dG5aZ\"}");

        assertThatThrownBy(() -> SecretsStore.open(tempDir))
            .hasMessageContaining("secrets.json: overlayToken: expected 22 or more characters")
            .hasMessageNotContaining("letmein");
    }

    private static String mode(final Path path) throws Exception
    {
        return PosixFilePermissions.toString(Files.getPosixFilePermissions(path));
    }
}
