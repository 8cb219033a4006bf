package dev.commandcenter.app.rest;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import java.io.IOException;
import java.util.Collection;
import java.util.Iterator;
import java.util.Locale;

/**
 * The JSON object body of a REST request, read the same way by every route of the application: one line naming what
 * is wrong and what was expected for a body that is not JSON, not an object, or has keys the route does not know.
 */
public final class JsonBodies
{
    /** Longest unknown key quoted in an error. */
    static final int MAX_QUOTED_KEY = 40;

    /** A key given twice is refused as invalid JSON: which of the two a route would read is nobody's guess. */
    private static final ObjectMapper MAPPER = new ObjectMapper()
        .enable(com.fasterxml.jackson.core.JsonParser.Feature.STRICT_DUPLICATE_DETECTION);

    private JsonBodies()
    {
    }

    /**
     * Read a body that must be a JSON object with only known keys.
     *
     * @param body    the request body; empty or null is "nothing".
     * @param example a small valid body, for the error, such as {@code {"action":"pause"}}.
     * @param known   the keys the route reads, in the order the error lists them.
     * @return the object.
     * @throws IllegalArgumentException one line naming what is wrong and what was expected.
     */
    public static JsonNode object(final byte[] body, final String example, final Collection<String> known)
    {
        final JsonNode node = objectOrNull(body, example, known);
        if (null == node)
        {
            throw new IllegalArgumentException("body: expected a JSON object such as " + example + ", got nothing");
        }
        return node;
    }

    /**
     * Read a body that may be left out, or else must be a JSON object with only known keys.
     *
     * @param body    the request body.
     * @param example a small valid body, for the error.
     * @param known   the keys the route reads.
     * @return the object, or null for an empty body.
     * @throws IllegalArgumentException one line naming what is wrong and what was expected.
     */
    public static JsonNode objectOrNull(final byte[] body, final String example, final Collection<String> known)
    {
        if (null == body || 0 == body.length)
        {
            return null;
        }
        final JsonNode node;
        try
        {
            node = MAPPER.readTree(body);
        }
        catch (final JsonProcessingException ex)
        {
            throw new IllegalArgumentException("body: expected a JSON object such as " + example +
                ", got invalid JSON at line " + (null == ex.getLocation() ? 1 : ex.getLocation().getLineNr()) +
                " column " + (null == ex.getLocation() ? 1 : ex.getLocation().getColumnNr()));
        }
        catch (final IOException ex)
        {
            throw new IllegalArgumentException("body: expected a JSON object such as " + example +
                ", got unreadable bytes");
        }
        if (null == node || node.isMissingNode())
        {
            return null;
        }
        if (!node.isObject())
        {
            throw new IllegalArgumentException("body: expected a JSON object such as " + example + ", got " +
                node.getNodeType().name().toLowerCase(Locale.ROOT));
        }
        final StringBuilder unknown = new StringBuilder();
        int count = 0;
        for (final Iterator<String> names = node.fieldNames(); names.hasNext(); )
        {
            final String name = names.next();
            if (!known.contains(name))
            {
                unknown.append(0 == count++ ? "'" : ", '").append(quoted(name)).append('\'');
            }
        }
        if (count > 0)
        {
            throw new IllegalArgumentException((1 == count ? "unknown key " : "unknown keys ") + unknown + ": expected " +
                String.join(", ", known));
        }
        return node;
    }

    private static String quoted(final String key)
    {
        final String oneLine = key.replaceAll("\\p{Cntrl}", "?");
        return oneLine.length() > MAX_QUOTED_KEY ? oneLine.substring(0, MAX_QUOTED_KEY) + "..." : oneLine;
    }
}
