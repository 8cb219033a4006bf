package dev.commandcenter.plugin.automation.obs;

/**
 * OBS's answer to one request, or why there was none.
 *
 * @param requestType      the request's type.
 * @param ok               {@code requestStatus.result}.
 * @param code             {@code requestStatus.code} (100 is success; 600 resource not found...); 0 when OBS never
 *                         answered (not connected, timed out, connection lost).
 * @param comment          {@code requestStatus.comment}, or one line saying why there was no answer.
 * @param responseDataJson {@code responseData} as JSON, or null.
 */
public record ObsResponse(String requestType, boolean ok, int code, String comment, String responseDataJson)
{
}
