package dev.commandcenter.plugin.host;

import dev.commandcenter.engine.core.Engine;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Dependency checks: the start order of the plugins found at discovery ({@link DependencyResolver}, semver
 * ranges), what a plugin added or reloaded later must satisfy against those running, and whether enabling or
 * disabling one would leave a requirement unmet.
 * <p>
 * <b>Note:</b> stateless; the slots given are guarded by the manager.
 */
final class PluginDependencies
{
    private PluginDependencies()
    {
    }

    /**
     * Put the plugins found into start order: those that can start, dependencies first, then those that cannot,
     * each failed with its reason; duplicate ids fail the later plugin.
     *
     * @param found slots in discovery order.
     * @param slots filled, in start order.
     */
    static void order(final List<PluginSlot> found, final Map<String, PluginSlot> slots)
    {
        final Map<String, PluginSlot> byId = new LinkedHashMap<>();
        final List<PluginSlot> failed = new ArrayList<>();
        for (final PluginSlot slot : found)
        {
            if (slot.isFailed())
            {
                failed.add(slot);
            }
            else if (byId.containsKey(slot.key))
            {
                slot.fail("duplicate plugin id '" + slot.key + "': also provided by " + byId.get(slot.key).spec.origin());
                failed.add(slot);
            }
            else
            {
                byId.put(slot.key, slot);
            }
        }

        final List<DependencyResolver.Node> nodes = new ArrayList<>();
        for (final PluginSlot slot : byId.values())
        {
            nodes.add(new DependencyResolver.Node(slot.key, versionOf(slot),
                null == slot.descriptor ? Map.of() : slot.descriptor.requires()));
        }
        final Map<String, String> failedIds = new HashMap<>();
        for (final PluginSlot slot : failed)
        {
            if (!byId.containsKey(slot.key))
            {
                failedIds.put(slot.key, slot.spec.failure());
            }
        }
        final DependencyResolver.Result result = DependencyResolver.resolve(nodes, failedIds);
        for (final String id : result.order())
        {
            slots.put(id, byId.get(id));
        }
        for (final PluginSlot slot : byId.values())
        {
            final String failure = result.failures().get(slot.key);
            if (null != failure)
            {
                slot.fail(failure);
                slots.put(slot.key, slot);
            }
        }
        for (final PluginSlot slot : failed)
        {
            if (slots.containsKey(slot.key))
            {
                slot.rekey(null == slot.source ? slot.key + "-" + slots.size() : slot.source.getFileName().toString());
            }
            slots.put(slot.key, slot);
        }
    }

    /**
     * Fail a plugin being added or reloaded when a requirement of it is not met by the plugins loaded, when its
     * version would break a plugin that requires it, or when its id is taken.
     *
     * @param fresh     the plugin being added or reloaded.
     * @param replacing the slot it replaces, or null when it is new.
     * @param slots     the plugins loaded.
     */
    static void checkAgainstLoaded(final PluginSlot fresh, final PluginSlot replacing, final Map<String, PluginSlot> slots)
    {
        if (fresh.isFailed() || null == fresh.descriptor)
        {
            return;
        }
        for (final Map.Entry<String, VersionRange> requirement : fresh.descriptor.requires().entrySet())
        {
            final String dependency = requirement.getKey();
            final PluginSlot provider = slots.get(dependency);
            if (null == provider)
            {
                fresh.fail("requires '" + dependency + "' (" + requirement.getValue() + "), which is not installed");
                return;
            }
            if (provider.isFailed())
            {
                fresh.fail("requires '" + dependency + "' (" + requirement.getValue() + "), which failed to load: " +
                    provider.spec.failure());
                return;
            }
            if (!requirement.getValue().admits(versionOf(provider)))
            {
                fresh.fail("requires '" + dependency + "' " + requirement.getValue() + ", but '" + dependency + "' " +
                    provider.spec.version() + " is installed");
                return;
            }
        }
        for (final PluginSlot other : slots.values())
        {
            if (other == replacing || null == other.descriptor || other.isFailed())
            {
                continue;
            }
            final VersionRange range = other.descriptor.requires().get(fresh.key);
            if (null != range && !range.admits(fresh.descriptor.version()))
            {
                fresh.fail("version " + fresh.descriptor.version() + " would break '" + other.key +
                    "', which requires '" + fresh.key + "' " + range);
                return;
            }
        }
        if (null == replacing && slots.containsKey(fresh.key))
        {
            fresh.fail("duplicate plugin id '" + fresh.key + "': also provided by " + slots.get(fresh.key).spec.origin());
        }
    }

    /**
     * Refuse to enable a plugin whose requirements are not all enabled.
     *
     * @param slot   the plugin.
     * @param engine the engine running it.
     * @throws IllegalStateException naming the requirement that is not enabled.
     */
    static void checkEnable(final PluginSlot slot, final Engine engine)
    {
        if (null == slot.descriptor)
        {
            return;
        }
        for (final String dependency : slot.descriptor.requires().keySet())
        {
            if (!engine.isPluginEnabled(dependency))
            {
                throw new IllegalStateException("cannot enable '" + slot.key + "': it requires '" + dependency +
                    "', which is not enabled");
            }
        }
    }

    /**
     * Refuse to disable a plugin that an enabled plugin requires.
     *
     * @param slot   the plugin.
     * @param slots  the plugins loaded.
     * @param engine the engine running them.
     * @throws IllegalStateException naming the plugin that requires it.
     */
    static void checkDisable(final PluginSlot slot, final Map<String, PluginSlot> slots, final Engine engine)
    {
        for (final PluginSlot other : slots.values())
        {
            if (other != slot && !other.isFailed() && null != other.descriptor &&
                other.descriptor.requires().containsKey(slot.key) && engine.isPluginEnabled(other.key))
            {
                throw new IllegalStateException("cannot disable '" + slot.key + "': '" + other.key +
                    "' requires it (disable '" + other.key + "' first)");
            }
        }
    }

    private static SemanticVersion versionOf(final PluginSlot slot)
    {
        return SemanticVersion.isValid(slot.spec.version()) ? SemanticVersion.parse(slot.spec.version()) :
            SemanticVersion.parse("0.0.0");
    }
}
