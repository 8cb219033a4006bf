package dev.commandcenter.app.config;

import dev.commandcenter.config.ConfigBinder;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Reads the YAML configuration strictly with the project's one configuration binder ({@link ConfigBinder}, the
 * same that reads plugin descriptors): unknown keys, wrong types and bad values are one-line errors naming the
 * file, the key, the line and what was expected.
 */
public final class ConfigLoader
{
    private ConfigLoader()
    {
    }

    /**
     * Load and validate a configuration file.
     *
     * @param file YAML file.
     * @return the configuration.
     * @throws ConfigException with a one-line message.
     */
    public static AppConfig load(final Path file)
    {
        if (!Files.isRegularFile(file))
        {
            throw new ConfigException("config file " + file + (Files.isDirectory(file) ? " is a directory" :
                " not found") + " (expected a YAML file)");
        }
        final String text;
        try
        {
            text = Files.readString(file);
        }
        catch (final IOException ex)
        {
            throw new ConfigException("cannot read config file " + file + ": " + ex.getMessage());
        }
        return parse(text, file.toString());
    }

    /**
     * Parse and validate configuration text.
     *
     * @param yaml   the text.
     * @param source name for messages.
     * @return the configuration.
     * @throws ConfigException with a one-line message.
     */
    public static AppConfig parse(final String yaml, final String source)
    {
        final AppConfig config;
        try
        {
            config = ConfigBinder.read(yaml, source, AppConfig.class);
        }
        catch (final dev.commandcenter.config.ConfigException ex)
        {
            throw new ConfigException(ex.getMessage());
        }
        if (null == config)
        {
            return new AppConfig();
        }
        validate(config, source);
        return config;
    }

    private static void validate(final AppConfig config, final String source)
    {
        if (null == config.engine || null == config.journal || null == config.telemetry || null == config.websocket ||
            null == config.wallet || null == config.plugins || null == config.aeron || null == config.chat ||
            null == config.automation || null == config.obs)
        {
            throw new ConfigException(source + ": a top-level section is empty (remove it or give it keys)");
        }
        oneOf(source, "wallet.source", config.wallet.source, "electrum", "simulator", "none");
        oneOf(source, "wallet.network", config.wallet.network, "mainnet", "testnet", "signet", "regtest");
        oneOf(source, "wallet.alertOn", config.wallet.alertOn, "mempool", "confirmed");
        oneOf(source, "websocket.backend", config.websocket.backend, "auto", "netty", "native");
        oneOf(source, "engine.runOn", config.engine.runOn, "thread", "http-loop");
        range(source, "websocket.port", config.websocket.port, 0, 65535);
        range(source, "websocket.rotationGraceMs", config.websocket.rotationGraceMs, 0, Long.MAX_VALUE);
        strongToken(source, "websocket.token", config.websocket.token);
        strongToken(source, "websocket.adminToken", config.websocket.adminToken);
        strongToken(source, "websocket.chatToken", config.websocket.chatToken);
        strongToken(source, "websocket.moderatorToken", config.websocket.moderatorToken);
        final String[] tokenKeys = { "websocket.token", "websocket.adminToken", "websocket.chatToken", "websocket.moderatorToken" };
        final String[] tokens = { config.websocket.token, config.websocket.adminToken, config.websocket.chatToken,
            config.websocket.moderatorToken };
        for (int i = 1; i < tokens.length; i++)
        {
            for (int j = 0; j < i; j++)
            {
                if (null != tokens[i] && !tokens[i].isEmpty() && tokens[i].equals(tokens[j]))
                {
                    throw new ConfigException(source + ": '" + tokenKeys[i] + "' expected a secret different from '" +
                        tokenKeys[j] + "', got the same one");
                }
            }
        }
        try
        {
            dev.commandcenter.transport.websocket.TrustedProxies.parse(config.websocket.trustedProxies);
        }
        catch (final IllegalArgumentException ex)
        {
            throw new ConfigException(source + ": " + ex.getMessage());
        }
        positive(source, "chat.postsPerSecondPerConnection", config.chat.postsPerSecondPerConnection);
        positive(source, "chat.postsPerSecondPerAddress", config.chat.postsPerSecondPerAddress);
        range(source, "chat.burstPerConnection", config.chat.burstPerConnection, 1, Integer.MAX_VALUE);
        range(source, "chat.burstPerAddress", config.chat.burstPerAddress, 1, Integer.MAX_VALUE);
        range(source, "chat.maxTrackedAddresses", config.chat.maxTrackedAddresses, 1, 10_000_000);
        range(source, "chat.maxPendingVerdicts", config.chat.maxPendingVerdicts, 1, 1_000_000);
        range(source, "chat.verdictTimeoutMs", config.chat.verdictTimeoutMs, 1, 60_000);
        for (final String host : config.websocket.allowedHosts)
        {
            if (null == host || host.isBlank() || host.indexOf('/') >= 0 || host.indexOf(' ') >= 0)
            {
                throw new ConfigException(source + ": 'websocket.allowedHosts' expected host names such as obs.lan or " +
                    "192.168.1.20, got '" + host + "'");
            }
        }
        for (final java.util.Map.Entry<String, Integer> window : config.websocket.batching.entrySet())
        {
            final String key = "websocket.batching." + window.getKey();
            if (null == window.getValue())
            {
                throw new ConfigException(source + ": '" + key + "' expected a window of 1..1000 ms (0: none), got nothing");
            }
            range(source, key, window.getValue(), 0, 1000);
        }
        validateAutomation(config, source);
        range(source, "wallet.gapLimit", config.wallet.gapLimit, 1, 10_000);
        range(source, "wallet.confirmations", config.wallet.confirmations, 1, 1_000);
        range(source, "engine.quarantineAfterFailures", config.engine.quarantineAfterFailures, 1, Integer.MAX_VALUE);
        range(source, "telemetry.intervalMs", config.telemetry.intervalMs, 1, Long.MAX_VALUE);
        try
        {
            dev.commandcenter.persistence.Retention.parse(config.journal.retention);
        }
        catch (final IllegalArgumentException ex)
        {
            throw new ConfigException(source + ": " + ex.getMessage());
        }
        powerOfTwo(source, "engine.inputRingSize", config.engine.inputRingSize);
        powerOfTwo(source, "engine.outputRingSize", config.engine.outputRingSize);
        final String aeronProblem = config.aeron.problem();
        if (null != aeronProblem)
        {
            throw new ConfigException(source + ": " + aeronProblem);
        }
        final boolean watching = !config.wallet.watch.addresses.isEmpty() || !config.wallet.watch.xpubs.isEmpty();
        if ("electrum".equals(config.wallet.source) && watching && config.wallet.electrum.servers.isEmpty())
        {
            throw new ConfigException(source + ": 'wallet.electrum.servers' is empty: expected at least one " +
                "tcp://host:port or ssl://host:port to watch the configured addresses");
        }
        if ("electrum".equals(config.wallet.source) && !watching && !config.wallet.electrum.servers.isEmpty())
        {
            throw new ConfigException(source + ": 'wallet.watch' is empty: expected addresses or xpubs to watch " +
                "on " + config.wallet.electrum.servers);
        }
    }

    private static void validateAutomation(final AppConfig config, final String source)
    {
        range(source, "automation.maxQueuedFires", config.automation.maxQueuedFires, 1, 100_000);
        range(source, "automation.outcomes", config.automation.outcomes, 1, 100_000);
        final String bot = config.automation.botName;
        if (null == bot || bot.isBlank() || bot.length() > 64 || !bot.strip().equals(bot))
        {
            throw new ConfigException(source + ": 'automation.botName' expected a chat name of 1..64 characters " +
                "without surrounding spaces, got '" + bot + "'");
        }
        if (null == config.automation.rules)
        {
            config.automation.rules = "";
        }
        final String url = null == config.obs.url ? "" : config.obs.url.trim();
        if (!url.isEmpty())
        {
            String problem = null;
            try
            {
                final java.net.URI uri = new java.net.URI(url);
                if (!"ws".equals(uri.getScheme()) && !"wss".equals(uri.getScheme()))
                {
                    problem = "a ws:// or wss:// URL";
                }
                else if (null == uri.getHost() || uri.getHost().isEmpty())
                {
                    problem = "a host";
                }
            }
            catch (final java.net.URISyntaxException ex)
            {
                problem = "a valid URL";
            }
            if (null != problem)
            {
                throw new ConfigException(source + ": 'obs.url' expected a ws:// or wss:// URL such as " +
                    "ws://127.0.0.1:4455 (or empty for no OBS), got '" + config.obs.url + "' (" + problem + " missing)");
            }
        }
        config.obs.url = url;
        if (null == config.obs.passwordKey || config.obs.passwordKey.isBlank() ||
            !config.obs.passwordKey.matches("[A-Za-z0-9_.-]{1,64}"))
        {
            throw new ConfigException(source + ": 'obs.passwordKey' expected the name of a secrets store entry such as " +
                "obsPassword (the password itself goes in the secrets store), got '" + config.obs.passwordKey + "'");
        }
        range(source, "obs.requestTimeoutMs", config.obs.requestTimeoutMs, 1, 600_000);
        range(source, "obs.reconnectMinMs", config.obs.reconnectMinMs, 1, 3_600_000);
        range(source, "obs.reconnectMaxMs", config.obs.reconnectMaxMs, config.obs.reconnectMinMs, 3_600_000);
    }

    private static void strongToken(final String source, final String key, final String token)
    {
        if (null == token || token.isEmpty())
        {
            return;
        }
        final String weakness = dev.commandcenter.transport.websocket.Tokens.weakness(token);
        if (null != weakness)
        {
            throw new ConfigException(source + ": '" + key + "' " + weakness +
                " (or leave it empty to use the data dir's secrets store)");
        }
    }

    private static void oneOf(final String source, final String key, final String value, final String... allowed)
    {
        for (final String candidate : allowed)
        {
            if (candidate.equals(value))
            {
                return;
            }
        }
        throw new ConfigException(source + ": '" + key + "' expected one of " + String.join(" | ", allowed) +
            ", got '" + value + "'");
    }

    private static void range(final String source, final String key, final long value, final long min, final long max)
    {
        if (value < min || value > max)
        {
            throw new ConfigException(source + ": '" + key + "' expected " + min +
                (max == Integer.MAX_VALUE || max == Long.MAX_VALUE ? " or more" : ".." + max) + ", got " + value);
        }
    }

    private static void positive(final String source, final String key, final double value)
    {
        if (!(value > 0) || Double.isInfinite(value))
        {
            throw new ConfigException(source + ": '" + key + "' expected a number above 0 such as 1 or 0.5, got " + value);
        }
    }

        private static void powerOfTwo(final String source, final String key, final int value)
    {
        if (value < 2 || Integer.bitCount(value) != 1)
        {
            throw new ConfigException(source + ": '" + key + "' expected a power of two such as 1024 or 8192, got " + value);
        }
    }
}
