package dev.commandcenter.app;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.SecureRandom;
import java.util.Base64;

/**
 * The access token of a data dir: generated once (192 random bits, URL-safe) and kept in
 * {@code <data-dir>/token}, readable by its owner only, so overlay URLs stay valid across restarts.
 */
public final class TokenStore
{
    /** File name inside the data dir. */
    public static final String FILE_NAME = "token";

    private TokenStore()
    {
    }

    /**
     * The token of a data dir, created when missing.
     *
     * @param dataDir the data dir (created if missing).
     * @return the token.
     */
    public static String loadOrCreate(final Path dataDir)
    {
        final Path file = dataDir.resolve(FILE_NAME);
        try
        {
            if (Files.isRegularFile(file))
            {
                final String token = Files.readString(file, StandardCharsets.US_ASCII).trim();
                if (token.length() >= 16)
                {
                    return token;
                }
            }
            Files.createDirectories(dataDir);
            final byte[] random = new byte[24];
            new SecureRandom().nextBytes(random);
            final String token = Base64.getUrlEncoder().withoutPadding().encodeToString(random);
            final Path tmp = dataDir.resolve(FILE_NAME + ".tmp");
            Files.writeString(tmp, token + "\n", StandardCharsets.US_ASCII, StandardOpenOption.CREATE,
                StandardOpenOption.TRUNCATE_EXISTING, StandardOpenOption.WRITE);
            try
            {
                Files.setPosixFilePermissions(tmp, PosixFilePermissions.fromString("rw-------"));
            }
            catch (final UnsupportedOperationException ignore)
            {
                // Not a POSIX file system: the file keeps the default permissions.
            }
            Files.move(tmp, file, java.nio.file.StandardCopyOption.REPLACE_EXISTING,
                java.nio.file.StandardCopyOption.ATOMIC_MOVE);
            return token;
        }
        catch (final IOException ex)
        {
            throw new UncheckedIOException("data dir " + dataDir + " is not writable: " + ex.getMessage(), ex);
        }
    }
}
