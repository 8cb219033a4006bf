package dev.commandcenter.app.automation;

import dev.commandcenter.app.secrets.SecretsStore;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * The demo's example rules file: shipped in the app jar and copied into the demo's data dir on first start, where the
 * user may edit it (the engine reloads it; a later demo keeps the edited copy).
 */
public final class DemoRules
{
    /** The resource in the jar. */
    public static final String RESOURCE = "/demo/automation-demo.yaml";
    /** The copy's name in the data dir. */
    public static final String FILE_NAME = "automation-demo.yaml";

    private DemoRules()
    {
    }

    /**
     * The shipped rules as text.
     *
     * @return the file's text.
     */
    public static String text()
    {
        try (InputStream in = DemoRules.class.getResourceAsStream(RESOURCE))
        {
            if (null == in)
            {
                throw new IllegalStateException("the demo rules " + RESOURCE + " are missing from the app jar");
            }
            return new String(in.readAllBytes(), java.nio.charset.StandardCharsets.UTF_8);
        }
        catch (final IOException ex)
        {
            throw new UncheckedIOException("cannot read the demo rules " + RESOURCE + ": " + ex.getMessage(), ex);
        }
    }

    /**
     * The demo's rules file in a data dir, written there when missing.
     *
     * @param dataDir the demo's data dir (created if missing, mode 0700).
     * @return the file.
     */
    public static Path install(final Path dataDir)
    {
        SecretsStore.createPrivateDirectory(dataDir);
        final Path file = dataDir.resolve(FILE_NAME);
        if (!Files.exists(file))
        {
            try
            {
                Files.writeString(file, text());
            }
            catch (final IOException ex)
            {
                throw new UncheckedIOException("cannot write the demo rules " + file + ": " + ex.getMessage(), ex);
            }
        }
        return file;
    }
}
