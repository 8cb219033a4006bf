package dev.commandcenter.engine.plugin;

/**
 * Version of the plugin contract: {@link Plugin}, {@link PluginContext}, {@link Emitter}, {@link Subscription},
 * {@link PluginConfig}, the event view and the message codecs. A descriptor's {@code engine} range is matched
 * against it; the major number changes only when a plugin built for the previous one could break.
 */
public final class PluginApi
{
    /** Semantic version of the plugin API this engine implements. */
    public static final String VERSION = "1.0.0";

    private PluginApi()
    {
    }
}
