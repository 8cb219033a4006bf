package dev.commandcenter.plugin.host;

import dev.commandcenter.engine.BackPressure;

import com.fasterxml.jackson.core.JsonLocation;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.dataformat.yaml.YAMLMapper;
import dev.commandcenter.engine.plugin.PluginApi;

import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * Reads and validates a {@code plugin.yaml}. Every error is a {@link DescriptorException} naming the file,
 * the field and what was expected; unknown fields are errors too, so a typo never goes unnoticed.
 * <p>
 * <b>Note:</b> thread safe.
 */
public final class DescriptorParser
{
    /** Name of the descriptor at the root of a plugin jar or folder. */
    public static final String FILE_NAME = "plugin.yaml";

    /** Ids a plugin cannot have: they are settings of the {@code plugins} configuration section. */
    public static final Set<String> RESERVED_IDS = Set.of("dir", "defaults", "watchDebounceMs");

    /** What an id must look like. */
    public static final Pattern ID = Pattern.compile("[a-z][a-z0-9-]{0,62}");

    private static final Pattern CLASS_NAME = Pattern.compile("([A-Za-z_$][A-Za-z0-9_$]*\\.)*[A-Za-z_$][A-Za-z0-9_$]*");
    private static final List<String> FIELDS = List.of("id", "name", "version", "description", "main", "engine",
        "requires", "subscribes", "permissions", "backPressure", "lagLimit", "stallTimeoutMs");
    private static final List<String> SUBSCRIBE_FIELDS = List.of("type", "where", "source");
    private static final List<String> PERMISSION_FIELDS = List.of("emits", "outputs", "network");
    private static final YAMLMapper YAML = YAMLMapper.builder()
        .enable(com.fasterxml.jackson.dataformat.yaml.YAMLParser.Feature.PARSE_BOOLEAN_LIKE_WORDS_AS_STRINGS).build();

    private DescriptorParser()
    {
    }

    /**
     * Parse a descriptor.
     *
     * @param source      names the file in messages, such as {@code plugin.yaml in plugins/tips.jar}.
     * @param text        the YAML text.
     * @param requireMain true for plugin jars and folders, which must name their main class.
     * @return the descriptor.
     * @throws DescriptorException naming the field that is wrong and what was expected.
     */
    public static PluginDescriptor parse(final String source, final String text, final boolean requireMain)
    {
        final JsonNode root;
        try
        {
            root = YAML.readTree(text);
        }
        catch (final JsonProcessingException ex)
        {
            final JsonLocation location = ex.getLocation();
            throw new DescriptorException(source, "", "not valid YAML" + (null == location ? "" :
                " at line " + location.getLineNr() + " column " + location.getColumnNr()) + ": " +
                firstLine(ex.getOriginalMessage()));
        }
        if (null == root || !root.isObject())
        {
            throw new DescriptorException(source, "", "expected a mapping of descriptor fields (id, name, version, " +
                "engine, subscribes, ...)");
        }
        requireKnown(source, "", root, FIELDS);

        final String id = requiredText(source, root, "id", "a plugin id such as 'tip-alerts'");
        if (!ID.matcher(id).matches())
        {
            throw new DescriptorException(source, "id", "expected lowercase letters, digits and dashes, starting " +
                "with a letter, at most 63 characters, got '" + id + "'");
        }
        if (RESERVED_IDS.contains(id))
        {
            throw new DescriptorException(source, "id", "'" + id + "' is reserved for settings, expected another id");
        }
        final String name = optionalText(source, root, "name", id);
        final String versionText = requiredText(source, root, "version", SemanticVersion.EXPECTED);
        final SemanticVersion version;
        try
        {
            version = SemanticVersion.parse(versionText);
        }
        catch (final IllegalArgumentException ex)
        {
            throw new DescriptorException(source, "version", ex.getMessage());
        }
        final String description = optionalText(source, root, "description", "");
        final String main = requireMain ? requiredText(source, root, "main",
            "the class implementing dev.commandcenter.engine.plugin.Plugin, such as com.example.TipAlertsPlugin") :
            optionalText(source, root, "main", null);
        if (null != main && !CLASS_NAME.matcher(main).matches())
        {
            throw new DescriptorException(source, "main", "expected a fully qualified class name, got '" + main + "'");
        }

        final VersionRange engine = range(source, "engine",
            requiredText(source, root, "engine", VersionRange.EXPECTED));
        if (!engine.admits(SemanticVersion.parse(PluginApi.VERSION)))
        {
            throw new DescriptorException(source, "engine", "the plugin needs plugin API " + engine +
                ", this engine provides " + PluginApi.VERSION);
        }

        final Map<String, VersionRange> requires = new LinkedHashMap<>();
        final JsonNode requiresNode = root.get("requires");
        if (null != requiresNode && !requiresNode.isNull())
        {
            if (!requiresNode.isObject())
            {
                throw new DescriptorException(source, "requires", "expected a mapping of plugin id to version " +
                    "range, such as 'chat: \"^1.0.0\"'");
            }
            for (final Iterator<Map.Entry<String, JsonNode>> it = requiresNode.fields(); it.hasNext(); )
            {
                final Map.Entry<String, JsonNode> entry = it.next();
                final String field = "requires." + entry.getKey();
                if (!ID.matcher(entry.getKey()).matches())
                {
                    throw new DescriptorException(source, field, "expected a plugin id, got '" + entry.getKey() + "'");
                }
                if (entry.getKey().equals(id))
                {
                    throw new DescriptorException(source, field, "a plugin cannot require itself");
                }
                final JsonNode value = entry.getValue();
                if (!value.isNull() && !value.isValueNode())
                {
                    throw new DescriptorException(source, field, "expected " + VersionRange.EXPECTED);
                }
                requires.put(entry.getKey(), value.isNull() ? VersionRange.any() : range(source, field, value.asText()));
            }
        }

        final List<PluginDescriptor.Subscribe> subscribes = subscribes(source, root.get("subscribes"));
        final PluginDescriptor.Permissions permissions = permissions(source, root.get("permissions"));

        BackPressure backPressure = null;
        final JsonNode backPressureNode = root.get("backPressure");
        if (null != backPressureNode && !backPressureNode.isNull())
        {
            backPressure = backPressureNode.isTextual() ? BackPressure.parse(backPressureNode.asText()) : null;
            if (null == backPressure)
            {
                throw new DescriptorException(source, "backPressure", "expected block or detach, got '" +
                    backPressureNode.asText() + "'");
            }
        }
        final Long lagLimit = wholeNumber(source, root, "lagLimit", 1);
        final Long stallTimeoutMs = wholeNumber(source, root, "stallTimeoutMs", 0);
        return new PluginDescriptor(source, id, name, version, description, main, engine, Map.copyOf(requires),
            List.copyOf(subscribes), permissions, backPressure, null == lagLimit ? null : (int)Math.min(lagLimit,
            Integer.MAX_VALUE), stallTimeoutMs);
    }

    private static List<PluginDescriptor.Subscribe> subscribes(final String source, final JsonNode node)
    {
        final String expected = "a list of message types, each a name (such as TransactionReceived) or " +
            "'*' or a mapping with type, where and source";
        if (null == node || node.isNull())
        {
            throw new DescriptorException(source, "subscribes", "missing: expected " + expected);
        }
        if (!node.isArray() || node.isEmpty())
        {
            throw new DescriptorException(source, "subscribes", "expected " + expected);
        }
        final List<PluginDescriptor.Subscribe> result = new ArrayList<>();
        for (int i = 0; i < node.size(); i++)
        {
            final String field = "subscribes[" + i + "]";
            final JsonNode entry = node.get(i);
            final String type;
            final List<String> where = new ArrayList<>();
            final List<String> sources = new ArrayList<>();
            if (entry.isTextual())
            {
                type = entry.asText();
            }
            else if (entry.isObject())
            {
                requireKnown(source, field, entry, SUBSCRIBE_FIELDS);
                final JsonNode typeNode = entry.get("type");
                if (null == typeNode || !typeNode.isTextual())
                {
                    throw new DescriptorException(source, field + ".type", "missing: expected a message type, one of " +
                        EventFilters.messageNames() + ", or '*'");
                }
                type = typeNode.asText();
                where.addAll(texts(source, field + ".where", entry.get("where"), "a field test such as " +
                    "'amountSats >= 1000', or a list of them"));
                sources.addAll(texts(source, field + ".source", entry.get("source"), "a source, one of " +
                    EventFilters.sourceNames() + ", or a list of them"));
            }
            else
            {
                throw new DescriptorException(source, field, "expected " + expected);
            }
            final int templateId = "*".equals(type) ? -1 : EventFilters.templateId(type);
            if (!"*".equals(type) && templateId < 0)
            {
                throw new DescriptorException(source, entry.isObject() ? field + ".type" : field,
                    "expected a message type, one of " + EventFilters.messageNames() + ", or '*', got '" + type + "'");
            }
            final List<Integer> sourceIds = new ArrayList<>();
            for (final String sourceName : sources)
            {
                final int sourceId = EventFilters.sourceId(sourceName);
                if (sourceId < 0)
                {
                    throw new DescriptorException(source, field + ".source", "expected a source, one of " +
                        EventFilters.sourceNames() + ", got '" + sourceName + "'");
                }
                sourceIds.add(sourceId);
            }
            final EventFilters.Clause clause;
            try
            {
                clause = EventFilters.clause(templateId, where, sourceIds);
            }
            catch (final IllegalArgumentException ex)
            {
                throw new DescriptorException(source, field + ".where", ex.getMessage());
            }
            result.add(new PluginDescriptor.Subscribe(type, List.copyOf(where), List.copyOf(sources), clause));
        }
        return result;
    }

    private static PluginDescriptor.Permissions permissions(final String source, final JsonNode node)
    {
        if (null == node || node.isNull())
        {
            return PluginDescriptor.Permissions.NONE;
        }
        if (!node.isObject())
        {
            throw new DescriptorException(source, "permissions", "expected a mapping with emits, outputs and network");
        }
        requireKnown(source, "permissions", node, PERMISSION_FIELDS);
        final List<String> emits = texts(source, "permissions.emits", node.get("emits"),
            "a list of message types, one of " + EventFilters.messageNames() + ", or '*'");
        for (final String type : emits)
        {
            if (!"*".equals(type) && EventFilters.templateId(type) < 0)
            {
                throw new DescriptorException(source, "permissions.emits", "expected message types, one of " +
                    EventFilters.messageNames() + ", or '*', got '" + type + "'");
            }
        }
        final List<String> outputs = texts(source, "permissions.outputs", node.get("outputs"),
            "a list of output names such as websocket, or '*'");
        boolean network = false;
        final JsonNode networkNode = node.get("network");
        if (null != networkNode && !networkNode.isNull())
        {
            if (!networkNode.isBoolean())
            {
                throw new DescriptorException(source, "permissions.network", "expected true or false, got '" +
                    networkNode.asText() + "'");
            }
            network = networkNode.asBoolean();
        }
        return new PluginDescriptor.Permissions(emits.contains("*") ? null : List.copyOf(emits),
            outputs.contains("*") ? null : List.copyOf(outputs), network);
    }

    private static List<String> texts(final String source, final String field, final JsonNode node, final String expected)
    {
        final List<String> result = new ArrayList<>();
        if (null == node || node.isNull())
        {
            return result;
        }
        if (node.isValueNode() && !node.isBoolean())
        {
            result.add(node.asText());
            return result;
        }
        if (!node.isArray())
        {
            throw new DescriptorException(source, field, "expected " + expected);
        }
        for (final JsonNode item : node)
        {
            if (!item.isValueNode() || item.isBoolean() || item.isNull())
            {
                throw new DescriptorException(source, field, "expected " + expected + ", got '" + item + "'");
            }
            result.add(item.asText());
        }
        return result;
    }

    private static void requireKnown(final String source, final String prefix, final JsonNode node, final List<String> known)
    {
        for (final Iterator<String> it = node.fieldNames(); it.hasNext(); )
        {
            final String name = it.next();
            if (!known.contains(name))
            {
                throw new DescriptorException(source, prefix.isEmpty() ? name : prefix + "." + name,
                    "unknown field, expected one of " + known);
            }
        }
    }

    private static String requiredText(final String source, final JsonNode root, final String field, final String expected)
    {
        final JsonNode node = root.get(field);
        if (null == node || node.isNull())
        {
            throw new DescriptorException(source, field, "missing: expected " + expected);
        }
        if (!node.isValueNode() || node.isBoolean())
        {
            throw new DescriptorException(source, field, "expected " + expected + ", got '" + node + "'");
        }
        final String text = node.asText().trim();
        if (text.isEmpty())
        {
            throw new DescriptorException(source, field, "missing: expected " + expected);
        }
        return text;
    }

    private static String optionalText(final String source, final JsonNode root, final String field, final String fallback)
    {
        final JsonNode node = root.get(field);
        if (null == node || node.isNull())
        {
            return fallback;
        }
        if (!node.isTextual())
        {
            throw new DescriptorException(source, field, "expected text, got '" + node + "'");
        }
        return node.asText();
    }

    private static Long wholeNumber(final String source, final JsonNode root, final String field, final long min)
    {
        final JsonNode node = root.get(field);
        if (null == node || node.isNull())
        {
            return null;
        }
        if (!node.isIntegralNumber() || node.asLong() < min)
        {
            throw new DescriptorException(source, field, "expected a whole number of " + min + " or more, got '" +
                node.asText() + "'");
        }
        return node.asLong();
    }

    private static VersionRange range(final String source, final String field, final String text)
    {
        try
        {
            return VersionRange.parse(text);
        }
        catch (final IllegalArgumentException ex)
        {
            throw new DescriptorException(source, field, ex.getMessage());
        }
    }

    private static String firstLine(final String text)
    {
        return null == text ? "" : text.lines().findFirst().orElse(text).trim();
    }
}
