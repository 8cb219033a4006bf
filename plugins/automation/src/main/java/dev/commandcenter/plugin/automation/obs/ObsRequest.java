package dev.commandcenter.plugin.automation.obs;

/**
 * One obs-websocket v5 request.
 *
 * @param requestType     such as {@code SetCurrentProgramScene}.
 * @param requestDataJson its {@code requestData} as a JSON object, or null for none.
 */
public record ObsRequest(String requestType, String requestDataJson)
{
}
