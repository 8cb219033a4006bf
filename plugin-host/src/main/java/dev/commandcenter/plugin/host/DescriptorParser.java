package dev.commandcenter.plugin.host;

import dev.commandcenter.config.ConfigBinder;
import dev.commandcenter.config.ConfigException;

import java.util.Map;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * Reads a {@code plugin.yaml} into a {@link PluginDescriptor} with the project's one configuration binder
 * ({@link ConfigBinder}): unknown keys are refused, and every error is a {@link DescriptorException} naming the
 * file, the key, its line and what was expected, as the app's configuration errors do.
 * <p>
 * <b>Note:</b> thread safe.
 */
public final class DescriptorParser
{
    /** Name of the descriptor at the root of a plugin jar or folder. */
    public static final String FILE_NAME = "plugin.yaml";

    /** Ids a plugin cannot have: they are settings of the {@code plugins} configuration section. */
    public static final Set<String> RESERVED_IDS = PluginDescriptor.RESERVED_IDS;

    /** What an id must look like. */
    public static final Pattern ID = PluginDescriptor.ID;

    /** Name under which the file's name is given to {@link PluginDescriptor#source()}. */
    static final String SOURCE = "source";

    private DescriptorParser()
    {
    }

    /**
     * Parse a descriptor.
     *
     * @param source      names the file in messages, such as {@code plugin.yaml in plugins/tips.jar}.
     * @param text        the YAML text.
     * @param requireMain true for plugin jars and folders, which must name their main class (unless they say
     *                    {@code hosting: process}).
     * @return the descriptor.
     * @throws DescriptorException naming the key that is wrong, its line and what was expected.
     */
    public static PluginDescriptor parse(final String source, final String text, final boolean requireMain)
    {
        final PluginDescriptor descriptor;
        try
        {
            descriptor = ConfigBinder.read(text, source, PluginDescriptor.class, Map.of(SOURCE, source));
        }
        catch (final ConfigException ex)
        {
            throw new DescriptorException(ex);
        }
        if (null == descriptor)
        {
            throw new DescriptorException(source, "", "expected a mapping of descriptor fields (id, name, version, " +
                "engine, subscribes, ...)");
        }
        if (requireMain && null == descriptor.main() && !descriptor.isRemote())
        {
            throw new DescriptorException(source, "main", "missing: expected the class implementing " +
                "dev.commandcenter.engine.plugin.Plugin, such as com.example.TipAlertsPlugin");
        }
        return descriptor;
    }
}
