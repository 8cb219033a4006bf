package dev.commandcenter.plugin.automation.rules;

import java.util.List;

/**
 * A rule of the rules file, compiled and free of errors.
 *
 * @param id               its id.
 * @param enabled          as written ({@code enabled:}, default true); run-time overrides are the plugin's.
 * @param trigger          what makes it fire.
 * @param conditions       what must hold ({@code if:}).
 * @param ruleCooldownMs   {@code cooldown.rule}, 0 for none.
 * @param userCooldownMs   {@code cooldown.user}, 0 for none.
 * @param sharedCooldown   {@code cooldown.shared}: the name, or null for none.
 * @param sharedCooldownMs the shared cooldown's length.
 * @param queue            the queue, empty for none.
 * @param actions          in order.
 * @param line             where the rule starts in the file.
 */
public record Rule(
    String id,
    boolean enabled,
    Trigger trigger,
    List<Condition> conditions,
    long ruleCooldownMs,
    long userCooldownMs,
    String sharedCooldown,
    long sharedCooldownMs,
    String queue,
    List<Action> actions,
    int line)
{
}
