package dev.commandcenter.plugin.host;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Orders plugins so that every plugin starts after the plugins it requires. A requirement that is missing,
 * failed to load, has a version outside the range, or is part of a cycle fails the requiring plugin with a
 * reason naming the plugins involved; plugins that depend on a failed plugin fail in turn. The others load.
 * <p>
 * <b>Note:</b> stateless.
 */
public final class DependencyResolver
{
    private DependencyResolver()
    {
    }

    /**
     * A plugin as the resolver sees it.
     *
     * @param id       plugin id.
     * @param version  its version.
     * @param requires ids of the plugins it requires, with version ranges.
     */
    public record Node(String id, SemanticVersion version, Map<String, VersionRange> requires)
    {
    }

    /**
     * What resolution found.
     *
     * @param order    ids of the plugins that can start, dependencies first.
     * @param failures ids of plugins that cannot start, with the reason.
     */
    public record Result(List<String> order, Map<String, String> failures)
    {
    }

    /**
     * Resolve.
     *
     * @param nodes  loaded plugins, in discovery order (ties keep this order).
     * @param failed plugins that failed to load, by id, with the reason.
     * @return start order and failures.
     */
    public static Result resolve(final List<Node> nodes, final Map<String, String> failed)
    {
        final Map<String, Node> byId = new LinkedHashMap<>();
        for (final Node node : nodes)
        {
            byId.putIfAbsent(node.id(), node);
        }
        final Map<String, String> failures = new LinkedHashMap<>();

        for (final Node node : byId.values())
        {
            for (final Map.Entry<String, VersionRange> requirement : node.requires().entrySet())
            {
                final String dependency = requirement.getKey();
                final VersionRange range = requirement.getValue();
                final Node provider = byId.get(dependency);
                if (failed.containsKey(dependency))
                {
                    failures.putIfAbsent(node.id(), "requires '" + dependency + "' (" + range +
                        "), which failed to load: " + failed.get(dependency));
                }
                else if (null == provider)
                {
                    failures.putIfAbsent(node.id(), "requires '" + dependency + "' (" + range +
                        "), which is not installed");
                }
                else if (!range.admits(provider.version()))
                {
                    failures.putIfAbsent(node.id(), "requires '" + dependency + "' " + range + ", but '" +
                        dependency + "' " + provider.version() + " is installed");
                }
            }
        }

        for (final List<String> cycle : cycles(byId, failures))
        {
            final String path = String.join(" -> ", cycle);
            for (int i = 0; i < cycle.size() - 1; i++)
            {
                failures.putIfAbsent(cycle.get(i), "dependency cycle: " + path);
            }
        }

        boolean changed = true;
        while (changed)
        {
            changed = false;
            for (final Node node : byId.values())
            {
                if (failures.containsKey(node.id()))
                {
                    continue;
                }
                for (final String dependency : node.requires().keySet())
                {
                    if (failures.containsKey(dependency))
                    {
                        failures.put(node.id(), "requires '" + dependency + "', which cannot start: " +
                            failures.get(dependency));
                        changed = true;
                        break;
                    }
                }
            }
        }

        final List<String> order = new ArrayList<>();
        final Set<String> placed = new LinkedHashSet<>();
        boolean progress = true;
        while (progress)
        {
            progress = false;
            for (final Node node : byId.values())
            {
                if (failures.containsKey(node.id()) || placed.contains(node.id()))
                {
                    continue;
                }
                if (placed.containsAll(node.requires().keySet()))
                {
                    placed.add(node.id());
                    order.add(node.id());
                    progress = true;
                }
            }
        }
        return new Result(List.copyOf(order), Map.copyOf(failures));
    }

    private static List<List<String>> cycles(final Map<String, Node> byId, final Map<String, String> failures)
    {
        final List<List<String>> cycles = new ArrayList<>();
        final Set<String> done = new LinkedHashSet<>();
        for (final String start : byId.keySet())
        {
            walk(start, byId, new ArrayList<>(), done, cycles);
        }
        return cycles;
    }

    private static void walk(
        final String id,
        final Map<String, Node> byId,
        final List<String> path,
        final Set<String> done,
        final List<List<String>> cycles)
    {
        final int at = path.indexOf(id);
        if (at >= 0)
        {
            final List<String> cycle = new ArrayList<>(path.subList(at, path.size()));
            cycle.add(id);
            cycles.add(cycle);
            return;
        }
        final Node node = byId.get(id);
        if (null == node || done.contains(id))
        {
            return;
        }
        path.add(id);
        for (final String dependency : node.requires().keySet())
        {
            walk(dependency, byId, path, done, cycles);
        }
        path.remove(path.size() - 1);
        done.add(id);
    }
}
