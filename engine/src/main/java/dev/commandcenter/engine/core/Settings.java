package dev.commandcenter.engine.core;

import org.agrona.BitUtil;

/**
 * The checks the engine's settings share ({@link Engine.Context#conclude()}, {@link PluginSpec#validate()}):
 * each throws one line naming the setting, what was expected and what it got.
 */
final class Settings
{
    private Settings()
    {
    }

    /**
     * Require a value of at least a minimum.
     *
     * @param name  of the setting, as written in configuration.
     * @param value the setting's value.
     * @param min   smallest accepted value.
     * @throws IllegalArgumentException when the value is smaller.
     */
    static void requireAtLeast(final String name, final long value, final long min)
    {
        if (value < min)
        {
            throw new IllegalArgumentException(name + ": expected " + min + " or more, got " + value);
        }
    }

    /**
     * Require a power of two of at least 2 (a ring size).
     *
     * @param name  of the setting, as written in configuration.
     * @param value the setting's value.
     * @throws IllegalArgumentException when the value is not one.
     */
    static void requirePowerOfTwo(final String name, final int value)
    {
        if (value < 2 || !BitUtil.isPowerOfTwo(value))
        {
            throw new IllegalArgumentException(name + ": expected a power of two >= 2, got " + value);
        }
    }
}
