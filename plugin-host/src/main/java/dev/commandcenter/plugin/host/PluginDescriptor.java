package dev.commandcenter.plugin.host;

import dev.commandcenter.engine.BackPressure;

import dev.commandcenter.engine.plugin.Subscription;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * A parsed {@code plugin.yaml}: who the plugin is, what it needs and what it may do. See the plugin developer
 * guide for the full reference; {@link DescriptorParser} validates every field.
 * <p>
 * <b>Note:</b> immutable.
 *
 * @param source         the descriptor file, for messages.
 * @param id             stable id.
 * @param name           human-readable name.
 * @param version        plugin version.
 * @param description    one line, may be empty.
 * @param main           class implementing the plugin, null for built-in plugins.
 * @param engine         plugin API versions it works with.
 * @param requires       other plugins it needs, by id, with their version ranges.
 * @param subscribes     what it receives.
 * @param permissions    what it may do.
 * @param backPressure   declared policy when it falls behind, null for the default.
 * @param lagLimit       declared lag limit, null for the default.
 * @param stallTimeoutMs declared stall timeout, null for the default.
 */
public record PluginDescriptor(
    String source,
    String id,
    String name,
    SemanticVersion version,
    String description,
    String main,
    VersionRange engine,
    Map<String, VersionRange> requires,
    List<Subscribe> subscribes,
    Permissions permissions,
    BackPressure backPressure,
    Integer lagLimit,
    Long stallTimeoutMs)
{
    /**
     * One subscription entry.
     *
     * @param type    message type name, or {@code *}.
     * @param where   field tests that must all hold.
     * @param sources source names admitted, empty for any.
     * @param clause  the compiled entry.
     */
    public record Subscribe(String type, List<String> where, List<String> sources, EventFilters.Clause clause)
    {
        /**
         * A one-line summary such as {@code TransactionReceived where amountSats >= 1000 from wallet}.
         *
         * @return the summary.
         */
        public String describe()
        {
            return type + (where.isEmpty() ? "" : " where " + String.join(" and ", where)) +
                (sources.isEmpty() ? "" : " from " + String.join(", ", sources));
        }
    }

    /**
     * What the plugin may do.
     *
     * @param emits   message types it may emit, null for any ({@code *}).
     * @param outputs outputs (egress names) its messages may go to, null for any ({@code *}).
     * @param network whether it may reach the network.
     */
    public record Permissions(List<String> emits, List<String> outputs, boolean network)
    {
        /** Nothing permitted: the default when a descriptor has no permissions section. */
        public static final Permissions NONE = new Permissions(List.of(), List.of(), false);
    }

    /**
     * The subscription the descriptor declares.
     *
     * @return the compiled subscription.
     */
    public Subscription subscription()
    {
        final List<EventFilters.Clause> clauses = new ArrayList<>();
        for (final Subscribe subscribe : subscribes)
        {
            clauses.add(subscribe.clause());
        }
        return EventFilters.subscription(clauses);
    }

    /**
     * Template ids the plugin may emit.
     *
     * @return the ids, or null for any.
     */
    public int[] emitTemplateIds()
    {
        if (null == permissions.emits())
        {
            return null;
        }
        return permissions.emits().stream().mapToInt(EventFilters::templateId).toArray();
    }
}
