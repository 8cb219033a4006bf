package dev.commandcenter.app.config;

import com.fasterxml.jackson.core.JsonLocation;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonMappingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.exc.InvalidFormatException;
import com.fasterxml.jackson.databind.exc.MismatchedInputException;
import com.fasterxml.jackson.databind.exc.UnrecognizedPropertyException;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;
import java.util.stream.Collectors;

/**
 * Reads the YAML configuration strictly: unknown keys, wrong types and bad values are one-line errors
 * naming the file, the key, the line and what was expected.
 */
public final class ConfigLoader
{
    private static final ObjectMapper YAML = new ObjectMapper(new YAMLFactory())
        .enable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES)
        .enable(DeserializationFeature.FAIL_ON_NULL_FOR_PRIMITIVES)
        .enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS);

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
            throw new ConfigException("config file " + file + " not found (expected a YAML file)");
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
            config = yaml.isBlank() ? new AppConfig() : YAML.readValue(yaml, AppConfig.class);
        }
        catch (final UnrecognizedPropertyException ex)
        {
            final List<String> known = ex.getKnownPropertyIds().stream().map(Object::toString)
                .collect(Collectors.toCollection(ArrayList::new));
            throw new ConfigException(source + ": unknown key '" + path(ex) + "'" + line(ex.getLocation()) +
                ", expected one of " + new TreeSet<>(known));
        }
        catch (final InvalidFormatException ex)
        {
            throw new ConfigException(source + ": '" + path(ex) + "'" + line(ex.getLocation()) + " expected " +
                describe(ex.getTargetType()) + ", got '" + ex.getValue() + "'");
        }
        catch (final MismatchedInputException ex)
        {
            throw new ConfigException(source + ": '" + path(ex) + "'" + line(ex.getLocation()) + " expected " +
                describe(ex.getTargetType()));
        }
        catch (final JsonMappingException ex)
        {
            if (ex.getCause() instanceof JsonProcessingException syntax && !(syntax instanceof JsonMappingException))
            {
                throw new ConfigException(source + ": not valid YAML" + line(syntax.getLocation()) + ": " +
                    syntax.getOriginalMessage().lines().findFirst().orElse(""));
            }
            throw new ConfigException(source + ": '" + path(ex) + "'" + line(ex.getLocation()) + ": " +
                ex.getOriginalMessage().lines().findFirst().orElse(""));
        }
        catch (final JsonProcessingException ex)
        {
            throw new ConfigException(source + ": not valid YAML" + line(ex.getLocation()) + ": " +
                ex.getOriginalMessage().lines().findFirst().orElse(""));
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
            null == config.wallet || null == config.plugins)
        {
            throw new ConfigException(source + ": a top-level section is empty (remove it or give it keys)");
        }
        oneOf(source, "engine.backPressure", config.engine.backPressure, "block", "reject");
        oneOf(source, "engine.waitStrategy", config.engine.waitStrategy, "blocking", "sleeping", "yielding", "busy-spin");
        oneOf(source, "journal.durability", config.journal.durability, "page-cache", "sync");
        oneOf(source, "wallet.source", config.wallet.source, "electrum", "simulator", "none");
        oneOf(source, "wallet.network", config.wallet.network, "mainnet", "testnet", "signet", "regtest");
        range(source, "websocket.port", config.websocket.port, 0, 65535);
        range(source, "wallet.notify.port", config.wallet.notify.port, 0, 65535);
        range(source, "wallet.gapLimit", config.wallet.gapLimit, 1, 10_000);
        range(source, "wallet.confirmations", config.wallet.confirmations, 1, 1_000);
        range(source, "engine.quarantineAfterFailures", config.engine.quarantineAfterFailures, 1, Integer.MAX_VALUE);
        range(source, "telemetry.intervalMs", config.telemetry.intervalMs, 1, Long.MAX_VALUE);
        try
        {
            dev.commandcenter.persistence.Retention.parse(config.journal.retention);
            dev.commandcenter.persistence.RollCycleNames.of(config.journal.rollCycle);
        }
        catch (final IllegalArgumentException ex)
        {
            throw new ConfigException(source + ": " + ex.getMessage());
        }
        powerOfTwo(source, "engine.inputRingSize", config.engine.inputRingSize);
        powerOfTwo(source, "engine.outputRingSize", config.engine.outputRingSize);
        for (final Map.Entry<String, Object> entry : config.plugins.entrySet())
        {
            if (entry.getValue() instanceof Map<?, ?> section)
            {
                final Object enabled = section.get("enabled");
                if (null != enabled && !(enabled instanceof Boolean))
                {
                    throw new ConfigException(source + ": 'plugins." + entry.getKey() + ".enabled' expected true or false, got '" +
                        enabled + "'");
                }
            }
            else if (null == entry.getValue())
            {
                entry.setValue(new java.util.LinkedHashMap<>());
            }
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

    private static void powerOfTwo(final String source, final String key, final int value)
    {
        if (value < 2 || Integer.bitCount(value) != 1)
        {
            throw new ConfigException(source + ": '" + key + "' expected a power of two such as 1024 or 8192, got " + value);
        }
    }

    private static String path(final JsonMappingException ex)
    {
        return ex.getPath().stream()
            .map(ref -> null != ref.getFieldName() ? ref.getFieldName() : "[" + ref.getIndex() + "]")
            .collect(Collectors.joining(".")).replace(".[", "[");
    }

    private static String line(final JsonLocation location)
    {
        return null == location || location.getLineNr() < 1 ? "" : " (line " + location.getLineNr() + ")";
    }

    private static String describe(final Class<?> type)
    {
        if (null == type)
        {
            return "another value";
        }
        if (type == int.class || type == Integer.class || type == long.class || type == Long.class)
        {
            return "a whole number";
        }
        if (type == boolean.class || type == Boolean.class)
        {
            return "true or false";
        }
        if (type == String.class)
        {
            return "a string";
        }
        if (List.class.isAssignableFrom(type))
        {
            return "a list";
        }
        if (Map.class.isAssignableFrom(type) || type.getName().startsWith("dev.commandcenter"))
        {
            return "a section of keys";
        }
        return type.getSimpleName();
    }
}
