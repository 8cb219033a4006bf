package dev.commandcenter.app;

import dev.commandcenter.app.config.AppConfig;
import dev.commandcenter.app.config.ConfigLoader;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * The configuration the app's tests start a node with: a regtest wallet watching one address through an Electrum
 * server (the project's simulator), quick reconnects, and the web server on an ephemeral port, with the test's own
 * sections after it.
 */
public final class RegtestWalletConfig
{
    private RegtestWalletConfig()
    {
    }

    /**
     * The {@code wallet} and {@code websocket} sections.
     *
     * @param electrumUrl   the Electrum server, such as the simulator's {@code url()}.
     * @param address       the watched address.
     * @param confirmations {@code wallet.confirmations}, or 0 to leave the default.
     * @return the YAML, ending with a line break so sections can follow.
     */
    public static String yaml(final String electrumUrl, final String address, final int confirmations)
    {
        return """
            wallet:
              network: regtest
              electrum:
                servers: ["%s"]
                backoff: { minMs: 50, maxMs: 500 }
              watch:
                addresses: ["%s"]
            """.formatted(electrumUrl, address) +
            (0 == confirmations ? "" : "  confirmations: " + confirmations + "\n") +
            """
            websocket:
              port: 0
            """;
    }

    /**
     * Write a configuration file.
     *
     * @param file where.
     * @param yaml the configuration.
     * @return the file.
     * @throws IOException if it cannot be written.
     */
    public static Path write(final Path file, final String yaml) throws IOException
    {
        Files.writeString(file, yaml);
        return file;
    }

    /**
     * Write a configuration file and load it as {@code run --config} does.
     *
     * @param file where.
     * @param yaml the configuration.
     * @return the loaded configuration.
     * @throws IOException if it cannot be written.
     */
    public static AppConfig load(final Path file, final String yaml) throws IOException
    {
        return ConfigLoader.load(write(file, yaml));
    }
}
