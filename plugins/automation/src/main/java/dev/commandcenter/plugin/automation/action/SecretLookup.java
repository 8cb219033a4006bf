package dev.commandcenter.plugin.automation.action;

/**
 * Reads a secret by key from the secrets store (webhook signing secrets, the OBS password) when it is needed, so a
 * rotated secret applies to the next action without a restart. Secrets never appear in rules, journal or logs.
 */
@FunctionalInterface
public interface SecretLookup
{
    /**
     * The secret stored under a key.
     *
     * @param key such as {@code webhookSecret} or {@code obsPassword}.
     * @return the secret, or null when the store has none under that key.
     */
    String secret(String key);
}
