package dev.commandcenter.nativews;

import dev.commandcenter.transport.websocket.wire.WireSettings;

import java.util.Properties;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * The library under test: when the build made it, tests must run (a load failure fails them); when the build
 * skipped it, they are skipped with the build's reason.
 */
final class NativeTestSupport
{
    private NativeTestSupport()
    {
    }

    static NativeLibrary library()
    {
        final Properties record = NativeLibrary.buildRecord();
        final boolean built = Boolean.parseBoolean(record.getProperty("cc.native.built", "false"));
        assumeTrue(built, () -> "native library not built: " + record.getProperty("cc.native.reason", "no record"));
        final NativeLibrary library = NativeLibrary.shared();
        assertThat(library.unavailableReason()).as("the build made the library, so it must load").isNull();
        return library;
    }

    static WireSettings settings()
    {
        return new WireSettings(
            "127.0.0.1", 0, 64 * 1024, 64 * 1024, 8 * 1024, 1024 * 1024, 256 * 1024, 128 * 1024, 0, 10_000, 60_000,
            2_000);
    }

    static WireSettings settings(
        final int maxConnections, final int maxQueued, final int highWater, final int lowWater, final long headerTimeoutMs)
    {
        return new WireSettings(
            "127.0.0.1", 0, 64 * 1024, 64 * 1024, 8 * 1024, maxQueued, highWater, lowWater, maxConnections,
            headerTimeoutMs, 60_000, 2_000);
    }
}
