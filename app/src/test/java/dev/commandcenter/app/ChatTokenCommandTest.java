package dev.commandcenter.app;

import dev.commandcenter.app.secrets.SecretsStore;
import dev.commandcenter.transport.websocket.Scope;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The chat and moderator tokens in the secrets store: generated for a store that lacks them, shown as chat page
 * URLs, rotated on their own.
 */
@Timeout(60)
class ChatTokenCommandTest
{
    @TempDir
    Path dataDir;

    @Test
    void shouldAddChatSecretsToAnOlderStoreAndShowAndRotateThem() throws Exception
    {
        Files.writeString(dataDir.resolve(SecretsStore.FILE_NAME),
            "{\"overlayToken\":\"overlay-H5c8Jf2Ks7Yq4Ue9Ga3Ro6\",\"adminToken\":\"admin-Q7x2Lm9Pz4Rk8Wv3Nb6Td1\"}");
        final SecretsStore store = SecretsStore.open(dataDir);
        assertThat(store.overlayToken()).isEqualTo("overlay-H5c8Jf2Ks7Yq4Ue9Ga3Ro6");
        assertThat(store.chatToken()).isNotBlank();
        assertThat(store.moderatorToken()).isNotBlank().isNotEqualTo(store.chatToken());
        assertThat(store.chatKeySecret()).isNotBlank();

        final CliTest.Result chat = CliTest.run("token", "show", "--scope", "chat", "--data-dir", dataDir.toString());
        assertThat(chat.code()).isZero();
        assertThat(chat.out().strip()).isEqualTo("http://127.0.0.1:7300/plugins/chat/?token=" + store.chatToken());
        final CliTest.Result moderator = CliTest.run("token", "show", "--scope", "moderator", "--data-dir",
            dataDir.toString());
        assertThat(moderator.out().strip()).endsWith("/plugins/chat/?token=" + store.moderatorToken());

        final CliTest.Result rotate = CliTest.run("token", "rotate", "--scope", "chat", "--data-dir", dataDir.toString());
        assertThat(rotate.code()).isZero();
        final SecretsStore rotated = SecretsStore.load(dataDir);
        assertThat(rotated.chatToken()).isNotEqualTo(store.chatToken());
        assertThat(rotated.token(Scope.MODERATOR)).isEqualTo(store.moderatorToken());
        assertThat(rotated.adminToken()).isEqualTo(store.adminToken());
        assertThat(rotated.chatKeySecret()).isEqualTo(store.chatKeySecret());
    }
}
