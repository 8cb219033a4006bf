package dev.commandcenter.plugin.automation.rules;

/**
 * A webhook of the rules file ({@code webhooks:}).
 *
 * @param name      its name.
 * @param url       where the body is posted (http or https); it may hold placeholders.
 * @param secret    the key of the secrets store holding its signing secret, empty for none.
 * @param timeoutMs per attempt.
 * @param retries   attempts after the first.
 */
public record WebhookSpec(String name, Template url, String secret, long timeoutMs, int retries)
{
}
