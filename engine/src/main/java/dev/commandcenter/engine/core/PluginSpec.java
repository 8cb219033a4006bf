package dev.commandcenter.engine.core;

import dev.commandcenter.engine.BackPressure;
import dev.commandcenter.engine.plugin.Plugin;
import dev.commandcenter.engine.plugin.PluginConfig;
import dev.commandcenter.engine.plugin.Recovery;
import dev.commandcenter.engine.plugin.Subscription;

import java.util.Map;
import java.util.Set;
import java.util.function.Supplier;

/**
 * Everything the engine needs to host one plugin: how to make an instance, its configuration, what its
 * descriptor admits (subscription, permitted emits and outputs) and how it is run (back-pressure policy,
 * lag limit, stall timeout, quarantine threshold). A spec with a {@link #failure()} stands for a plugin
 * that could not be loaded: it is listed with its reason but never runs.
 * <p>
 * <b>Note:</b> fill in before handing it to the engine; treat as immutable afterwards.
 */
public final class PluginSpec
{
    /** Default lag limit: events a plugin may fall behind before its back-pressure policy acts. */
    public static final int LAG_LIMIT_DEFAULT = 1024;
    /** Default time without progress, while events wait for it, after which a plugin is STALLED. */
    public static final long STALL_TIMEOUT_MS_DEFAULT = 10_000;
    /** Origin of plugins found on the engine's class path. */
    public static final String BUILT_IN = "built-in";

    private final String id;
    private String version = "0.0.0";
    private String name;
    private String origin = BUILT_IN;
    private Plugin instance;
    private Supplier<? extends Plugin> factory;
    private PluginConfig config;
    private Subscription subscription;
    private int[] emits;
    private Set<String> outputs;
    private boolean network = true;
    private BackPressure backPressure = BackPressure.BLOCK;
    private int lagLimit = LAG_LIMIT_DEFAULT;
    private long stallTimeoutMs = STALL_TIMEOUT_MS_DEFAULT;
    private int quarantineAfterFailures;
    private boolean enabled = true;
    private String failure;
    private Recovery recovery;

    /**
     * A spec for a plugin id; set the rest with the fluent setters.
     *
     * @param id plugin id.
     */
    public PluginSpec(final String id)
    {
        this.id = id;
        this.name = id;
        this.config = PluginConfig.empty(id);
    }

    /**
     * A spec for a ready plugin instance with everything permitted (trusted, built-in).
     *
     * @param plugin the instance.
     * @param config its configuration section, or null.
     * @return the spec.
     */
    public static PluginSpec of(final Plugin plugin, final Map<String, ?> config)
    {
        return new PluginSpec(plugin.id()).instance(plugin).version(plugin.version())
            .config(new PluginConfig(plugin.id(), config));
    }

    /**
     * A spec for a plugin that could not be loaded.
     *
     * @param id      id of the plugin (or the file name when the id is unknown).
     * @param version version, or empty when unknown.
     * @param origin  where it came from.
     * @param reason  why it failed, one line.
     * @return the spec.
     */
    public static PluginSpec failed(final String id, final String version, final String origin, final String reason)
    {
        return new PluginSpec(id).version(version).origin(origin).failure(reason);
    }

    /**
     * Plugin id.
     *
     * @return the id.
     */
    public String id()
    {
        return id;
    }

    /**
     * Version shown in health and status.
     *
     * @param version semantic version.
     * @return this.
     */
    public PluginSpec version(final String version)
    {
        this.version = version;
        return this;
    }

    /**
     * Version shown in health and status.
     *
     * @return the version.
     */
    public String version()
    {
        return version;
    }

    /**
     * Human-readable name.
     *
     * @param name the name.
     * @return this.
     */
    public PluginSpec name(final String name)
    {
        this.name = name;
        return this;
    }

    /**
     * Human-readable name.
     *
     * @return the name.
     */
    public String name()
    {
        return name;
    }

    /**
     * Where the plugin came from: {@link #BUILT_IN} or the path of its jar or folder.
     *
     * @param origin the origin.
     * @return this.
     */
    public PluginSpec origin(final String origin)
    {
        this.origin = origin;
        return this;
    }

    /**
     * Where the plugin came from.
     *
     * @return the origin.
     */
    public String origin()
    {
        return origin;
    }

    /**
     * The instance to run first.
     *
     * @param instance the plugin.
     * @return this.
     */
    public PluginSpec instance(final Plugin instance)
    {
        this.instance = instance;
        return this;
    }

    /**
     * The instance to run first, or null when only a factory is given.
     *
     * @return the instance.
     */
    public Plugin instance()
    {
        return instance;
    }

    /**
     * Makes fresh instances when the plugin is enabled again after a stop; without one the same
     * instance is started again.
     *
     * @param factory the factory.
     * @return this.
     */
    public PluginSpec factory(final Supplier<? extends Plugin> factory)
    {
        this.factory = factory;
        return this;
    }

    /**
     * Factory of fresh instances, or null.
     *
     * @return the factory.
     */
    public Supplier<? extends Plugin> factory()
    {
        return factory;
    }

    /**
     * The plugin's configuration section.
     *
     * @param config the configuration.
     * @return this.
     */
    public PluginSpec config(final PluginConfig config)
    {
        this.config = config;
        return this;
    }

    /**
     * The plugin's configuration section.
     *
     * @return the configuration.
     */
    public PluginConfig config()
    {
        return config;
    }

    /**
     * What the descriptor subscribes to, applied on the ring before the plugin's own subscription.
     *
     * @param subscription the subscription, or null for every event.
     * @return this.
     */
    public PluginSpec subscription(final Subscription subscription)
    {
        this.subscription = subscription;
        return this;
    }

    /**
     * Descriptor subscription, or null for every event.
     *
     * @return the subscription.
     */
    public Subscription subscription()
    {
        return subscription;
    }

    /**
     * Template ids the plugin may emit; any other emit is refused and counted.
     *
     * @param templateIds permitted message types, or null for any.
     * @return this.
     */
    public PluginSpec emits(final int... templateIds)
    {
        this.emits = null == templateIds ? null : templateIds.clone();
        return this;
    }

    /**
     * Template ids the plugin may emit, or null for any.
     *
     * @return the ids.
     */
    public int[] emits()
    {
        return null == emits ? null : emits.clone();
    }

    /**
     * Egress names (outputs) that receive this plugin's messages; others skip them.
     *
     * @param outputs the names, or null for every output.
     * @return this.
     */
    public PluginSpec outputs(final Set<String> outputs)
    {
        this.outputs = null == outputs ? null : Set.copyOf(outputs);
        return this;
    }

    /**
     * Permitted outputs, or null for every output.
     *
     * @return the names.
     */
    public Set<String> outputs()
    {
        return outputs;
    }

    /**
     * Whether the plugin may reach the network; when false its class loader refuses the JDK's socket and
     * HTTP classes.
     *
     * @param network permission.
     * @return this.
     */
    public PluginSpec network(final boolean network)
    {
        this.network = network;
        return this;
    }

    /**
     * Whether the plugin may reach the network.
     *
     * @return the permission.
     */
    public boolean network()
    {
        return network;
    }

    /**
     * Policy when the plugin falls behind by more than its lag limit.
     *
     * @param backPressure the policy.
     * @return this.
     */
    public PluginSpec backPressure(final BackPressure backPressure)
    {
        this.backPressure = backPressure;
        return this;
    }

    /**
     * Back-pressure policy.
     *
     * @return the policy.
     */
    public BackPressure backPressure()
    {
        return backPressure;
    }

    /**
     * Events the plugin may fall behind: beyond it a blocking plugin is DEGRADED; a detached one has a
     * buffer of this many events (rounded up to a power of two) and drops beyond it.
     *
     * @param lagLimit events, 1 or more.
     * @return this.
     */
    public PluginSpec lagLimit(final int lagLimit)
    {
        this.lagLimit = lagLimit;
        return this;
    }

    /**
     * Lag limit.
     *
     * @return events.
     */
    public int lagLimit()
    {
        return lagLimit;
    }

    /**
     * Time without progress, while events wait for it, after which the plugin is STALLED.
     *
     * @param stallTimeoutMs milliseconds, 0 to never mark it stalled.
     * @return this.
     */
    public PluginSpec stallTimeoutMs(final long stallTimeoutMs)
    {
        this.stallTimeoutMs = stallTimeoutMs;
        return this;
    }

    /**
     * Stall timeout.
     *
     * @return milliseconds, 0 for none.
     */
    public long stallTimeoutMs()
    {
        return stallTimeoutMs;
    }

    /**
     * Failures after which this plugin is quarantined.
     *
     * @param failures 1 or more, 0 for the engine's setting.
     * @return this.
     */
    public PluginSpec quarantineAfterFailures(final int failures)
    {
        this.quarantineAfterFailures = failures;
        return this;
    }

    /**
     * Quarantine threshold.
     *
     * @return failures, 0 for the engine's setting.
     */
    public int quarantineAfterFailures()
    {
        return quarantineAfterFailures;
    }

    /**
     * Whether the plugin starts enabled; a disabled plugin is STOPPED and its sequence follows the ring.
     *
     * @param enabled true to run it.
     * @return this.
     */
    public PluginSpec enabled(final boolean enabled)
    {
        this.enabled = enabled;
        return this;
    }

    /**
     * Whether the plugin starts enabled.
     *
     * @return true to run it.
     */
    public boolean enabled()
    {
        return enabled;
    }

    /**
     * How the plugin gets its state back at start, overriding {@link Plugin#recovery()} (the {@code recovery:} key of
     * its {@code plugin.yaml}).
     *
     * @param recovery the declaration, or null to let the plugin decide.
     * @return this.
     */
    public PluginSpec recovery(final Recovery recovery)
    {
        this.recovery = recovery;
        return this;
    }

    /**
     * The recovery the descriptor declares.
     *
     * @return the declaration, or null when the plugin's own {@link Plugin#recovery()} decides.
     */
    public Recovery recovery()
    {
        return recovery;
    }

    /**
     * Mark this spec as a plugin that could not be loaded.
     *
     * @param reason one line naming what is wrong.
     * @return this.
     */
    public PluginSpec failure(final String reason)
    {
        this.failure = reason;
        return this;
    }

    /**
     * Why the plugin could not be loaded, or null when it can run.
     *
     * @return the reason.
     */
    public String failure()
    {
        return failure;
    }

    /**
     * Check the settings the engine relies on.
     *
     * @throws IllegalArgumentException naming the setting and what was expected.
     */
    public void validate()
    {
        if (null == id || id.isEmpty())
        {
            throw new IllegalArgumentException("plugin spec: expected an id");
        }
        if (null != failure)
        {
            return;
        }
        if (null == instance && null == factory)
        {
            throw new IllegalArgumentException("plugins." + id + ": expected a plugin instance or factory");
        }
        Settings.requireAtLeast("plugins." + id + ".lagLimit", lagLimit, 1);
        Settings.requireAtLeast("plugins." + id + ".stallTimeoutMs", stallTimeoutMs, 0);
        Settings.requireAtLeast("plugins." + id + ".quarantineAfterFailures", quarantineAfterFailures, 0);
    }
}
