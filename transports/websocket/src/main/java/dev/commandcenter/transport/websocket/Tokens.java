package dev.commandcenter.transport.websocket;

import java.security.SecureRandom;
import java.util.Base64;

/**
 * Rules for access tokens: at least 128 bits, so a configured token is at least {@value #MIN_LENGTH} characters
 * (base64url of 16 random bytes) and not a low-entropy string such as one character repeated; generated tokens
 * are {@value #GENERATED_BYTES} random bytes, base64url without padding.
 */
public final class Tokens
{
    /** Fewest characters of a token: 128 bits as base64url. */
    public static final int MIN_LENGTH = 22;
    /** Fewest distinct characters of a token: rules out repeated characters and short patterns. */
    public static final int MIN_DISTINCT_CHARACTERS = 8;
    /** Random bytes of a generated token (192 bits). */
    public static final int GENERATED_BYTES = 24;

    private static final SecureRandom RANDOM = new SecureRandom();

    private Tokens()
    {
    }

    /**
     * A new random token.
     *
     * @return {@value #GENERATED_BYTES} random bytes as base64url without padding.
     */
    public static String generate()
    {
        final byte[] random = new byte[GENERATED_BYTES];
        RANDOM.nextBytes(random);
        return Base64.getUrlEncoder().withoutPadding().encodeToString(random);
    }

    /**
     * Why a token is too weak, or null when it is strong enough. The reason never contains the token.
     *
     * @param token the candidate.
     * @return a short reason, or null.
     */
    public static String weakness(final String token)
    {
        if (null == token || token.isEmpty())
        {
            return "expected a secret of " + MIN_LENGTH + " or more characters, got none";
        }
        if (token.length() < MIN_LENGTH)
        {
            return "expected " + MIN_LENGTH + " or more characters (128 bits, such as commandcenter token rotate makes), got " +
                token.length();
        }
        int distinct = 0;
        final boolean[] seen = new boolean[128];
        for (int i = 0; i < token.length(); i++)
        {
            final char c = token.charAt(i);
            if (c <= ' ' || c >= 127)
            {
                return "expected printable ASCII without spaces, got a character at position " + (i + 1) + " that is not";
            }
            if (!seen[c])
            {
                seen[c] = true;
                distinct++;
            }
        }
        if (distinct < MIN_DISTINCT_CHARACTERS)
        {
            return "expected a random secret, got one of only " + distinct + " distinct characters (too little entropy)";
        }
        return null;
    }

    /**
     * Refuse a weak token with a one-line error naming the configuration key.
     *
     * @param key   the configuration key, such as {@code websocket.token}.
     * @param token the candidate.
     * @throws IllegalArgumentException naming the key and what was expected, never the token.
     */
    public static void requireStrong(final String key, final String token)
    {
        final String weakness = weakness(token);
        if (null != weakness)
        {
            throw new IllegalArgumentException(key + ": " + weakness);
        }
    }
}
