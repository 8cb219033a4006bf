package dev.commandcenter.app.secrets;

import org.agrona.concurrent.Agent;

import java.nio.file.Path;
import java.util.function.Consumer;

/**
 * Watches the secrets store of a data dir and hands each new version to a listener, so tokens rotated by
 * {@code commandcenter token rotate} (or edited by hand) apply without a restart. A cheap poll: one {@code stat}
 * of the file per duty cycle, the runner's idle strategy sleeping {@value #POLL_INTERVAL_MS} ms between cycles.
 * <p>
 * <b>Note:</b> runs on its own agent thread; the listener is called there.
 */
public final class SecretsWatcher implements Agent
{
    /** Time between two looks at the store, in milliseconds. */
    public static final long POLL_INTERVAL_MS = 250;

    private final Path dataDir;
    private final Consumer<SecretsStore> listener;
    private String version;

    /**
     * @param dataDir  the data dir holding the store.
     * @param version  the version already applied, from {@link SecretsStore#version(Path)}.
     * @param listener told of each new version.
     */
    public SecretsWatcher(final Path dataDir, final String version, final Consumer<SecretsStore> listener)
    {
        this.dataDir = dataDir;
        this.version = version;
        this.listener = listener;
    }

    public int doWork()
    {
        final String now = SecretsStore.version(dataDir);
        if (now.equals(version))
        {
            return 0;
        }
        version = now;
        if ("missing".equals(now))
        {
            return 0;
        }
        listener.accept(SecretsStore.load(dataDir));
        return 1;
    }

    public String roleName()
    {
        return "cc-secrets-watcher";
    }
}
