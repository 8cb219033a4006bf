package dev.commandcenter.plugin.host;

import java.util.List;
import java.util.Map;

/**
 * Everything {@code commandcenter plugins list|info} shows of one plugin: identity, status with its reason,
 * what it declares, and its live figures. The control channel sends it as JSON with these field names.
 * <p>
 * <b>Note:</b> immutable.
 *
 * @param id             plugin id (for a file that could not be read, the file name).
 * @param name           human-readable name.
 * @param version        plugin version.
 * @param origin         {@code built-in} or the plugin's jar or folder.
 * @param state          LOADED, RUNNING, DEGRADED, QUARANTINED, STALLED, STOPPED or FAILED.
 * @param reason         why it is in that state, empty when healthy.
 * @param enabled        false once disabled.
 * @param backPressure   {@code block} or {@code detach}.
 * @param lagLimit       events it may fall behind before its policy acts.
 * @param stallTimeoutMs time without progress before it is STALLED, 0 for never.
 * @param processed      events handled.
 * @param errors         events whose handling threw.
 * @param emitted        messages emitted.
 * @param refusedEmits   emits refused (not permitted or invalid).
 * @param dropped        events dropped from its full detached buffer.
 * @param lag            events published but not yet handled.
 * @param p50Ns          median handling latency over the last sample interval.
 * @param p99Ns          99th percentile handling latency over the last sample interval.
 * @param lastError      last distinct error, empty when none.
 * @param requires       required plugins with version ranges.
 * @param subscribes     subscription entries, one line each.
 * @param emits          message types it may emit ({@code *} for any).
 * @param outputs        outputs its messages may go to ({@code *} for any).
 * @param network        whether it may reach the network.
 * @param files          whether it may use files, processes and native code (built-in plugins always may).
 * @param where          where it runs: {@code in-process}, or its plugin host (such as {@code aeron session 12
 *                       (java pid 4242 on studio)}), or {@code process (no host attached)}.
 */
public record PluginView(
    String id,
    String name,
    String version,
    String origin,
    String state,
    String reason,
    boolean enabled,
    String backPressure,
    int lagLimit,
    long stallTimeoutMs,
    long processed,
    long errors,
    long emitted,
    long refusedEmits,
    long dropped,
    long lag,
    long p50Ns,
    long p99Ns,
    String lastError,
    Map<String, String> requires,
    List<String> subscribes,
    List<String> emits,
    List<String> outputs,
    boolean network,
    boolean files,
    String where)
{
}
