package dev.commandcenter.transport.websocket;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.util.JsonRecyclerPools;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.netty.buffer.Unpooled;
import io.netty.handler.codec.http.DefaultFullHttpResponse;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaderValues;
import io.netty.handler.codec.http.HttpMethod;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.HttpVersion;

import java.nio.charset.StandardCharsets;
import java.util.Locale;
import java.util.Map;

/**
 * Builds the server's HTTP responses: JSON bodies, one-line JSON errors, files and HTML.
 */
final class HttpResponses
{
    private static final byte[] RECEIPT_PREFIX = "{\"receipt\":".getBytes(StandardCharsets.US_ASCII);

    /** Shared mapper for JSON bodies; thread safe once configured. */
    // Responses are rendered on virtual threads (REST) as well as event loops: Jackson's default buffer pool is one
    // per thread, which a virtual thread per request would allocate afresh each time; a shared pool reuses them.
    static final ObjectMapper MAPPER = new ObjectMapper(JsonFactory.builder()
        .recyclerPool(JsonRecyclerPools.sharedConcurrentDequePool())
        .build());

    /** Longest client-supplied string echoed back in an error, in characters. */
    static final int MAX_ECHO_LENGTH = 120;

    private static final String JSON = "application/json; charset=utf-8";

    private HttpResponses()
    {
    }

    /**
     * A response whose body is an object rendered as JSON.
     */
    static FullHttpResponse json(final HttpResponseStatus status, final Object body)
    {
        final byte[] bytes;
        try
        {
            bytes = MAPPER.writeValueAsBytes(body);
        }
        catch (final JsonProcessingException ex)
        {
            return error(HttpResponseStatus.INTERNAL_SERVER_ERROR, "cannot render JSON: " + oneLine(ex.getOriginalMessage()));
        }
        return bytes(status, JSON, bytes);
    }

    /**
     * The answer to an accepted post, 202 {@code {"receipt":N}}: written directly, as it is one number, without the
     * mapper's serializer lookup and buffer pool that every post would otherwise pay.
     *
     * @param receipt the event's sequence.
     * @return the response.
     */
    static FullHttpResponse receipt(final long receipt)
    {
        return bytes(HttpResponseStatus.ACCEPTED, JSON, receiptBody(receipt));
    }

    /**
     * {@code {"receipt":N}} in ASCII, the digits written straight into the body's array.
     */
    static byte[] receiptBody(final long receipt)
    {
        if (receipt < 0)
        {
            return ("{\"receipt\":" + receipt + '}').getBytes(StandardCharsets.US_ASCII);
        }
        int digits = 1;
        for (long rest = receipt / 10; rest > 0; rest /= 10)
        {
            digits++;
        }
        final byte[] body = new byte[RECEIPT_PREFIX.length + digits + 1];
        System.arraycopy(RECEIPT_PREFIX, 0, body, 0, RECEIPT_PREFIX.length);
        long rest = receipt;
        for (int i = RECEIPT_PREFIX.length + digits - 1; i >= RECEIPT_PREFIX.length; i--)
        {
            body[i] = (byte)('0' + (int)(rest % 10));
            rest /= 10;
        }
        body[body.length - 1] = '}';
        return body;
    }

    /**
     * A response {@code {"error":"<message>"}} with the message on one line.
     */
    static FullHttpResponse error(final HttpResponseStatus status, final String message)
    {
        try
        {
            return bytes(status, JSON, MAPPER.writeValueAsBytes(Map.of("error", oneLine(message))));
        }
        catch (final JsonProcessingException ex)
        {
            throw new IllegalStateException(ex);
        }
    }

    /**
     * A response with a body of the given content type.
     */
    static FullHttpResponse bytes(final HttpResponseStatus status, final String contentType, final byte[] body)
    {
        final FullHttpResponse response = new DefaultFullHttpResponse(
            HttpVersion.HTTP_1_1, status, Unpooled.wrappedBuffer(body));
        response.headers()
            .set(HttpHeaderNames.CONTENT_TYPE, contentType)
            .setInt(HttpHeaderNames.CONTENT_LENGTH, body.length)
            // no-store, not no-cache: responses may carry tokens (index links) or state (health, metrics).
            .set(HttpHeaderNames.CACHE_CONTROL, HttpHeaderValues.NO_STORE)
            .set("X-Content-Type-Options", "nosniff");
        return response;
    }

    /**
     * A redirect to another path of this server: 302, never cached (the location may carry the token), so a
     * browser or proxy keeps no permanent copy of it.
     */
    static FullHttpResponse redirect(final String location)
    {
        final FullHttpResponse response = new DefaultFullHttpResponse(
            HttpVersion.HTTP_1_1, HttpResponseStatus.FOUND, Unpooled.EMPTY_BUFFER);
        response.headers()
            .set(HttpHeaderNames.LOCATION, location)
            .set(HttpHeaderNames.CACHE_CONTROL, HttpHeaderValues.NO_STORE)
            .set("Referrer-Policy", "no-referrer")
            .setInt(HttpHeaderNames.CONTENT_LENGTH, 0);
        return response;
    }

    /**
     * A 405 naming the method refused and the methods the path takes, with an {@code Allow} header.
     */
    static FullHttpResponse methodNotAllowed(final HttpMethod method, final String path, final String allowed)
    {
        final FullHttpResponse response = error(HttpResponseStatus.METHOD_NOT_ALLOWED,
            "method " + clientText(method.name()) + " not allowed on " + clientText(path) + ", expected " + allowed);
        response.headers().set(HttpHeaderNames.ALLOW, allowed);
        return response;
    }

    /**
     * An empty response.
     */
    static FullHttpResponse empty(final HttpResponseStatus status)
    {
        final FullHttpResponse response = new DefaultFullHttpResponse(HttpVersion.HTTP_1_1, status, Unpooled.EMPTY_BUFFER);
        response.headers().setInt(HttpHeaderNames.CONTENT_LENGTH, 0);
        return response;
    }

    /**
     * Content type of a file by its extension.
     */
    static String contentType(final String path)
    {
        final int dot = path.lastIndexOf('.');
        final String extension = dot < 0 ? "" : path.substring(dot + 1).toLowerCase(Locale.ROOT);
        return switch (extension)
        {
            case "html", "htm" -> "text/html; charset=utf-8";
            case "js", "mjs" -> "text/javascript; charset=utf-8";
            case "css" -> "text/css; charset=utf-8";
            case "json", "map" -> JSON;
            case "svg" -> "image/svg+xml";
            case "png" -> "image/png";
            case "jpg", "jpeg" -> "image/jpeg";
            case "gif" -> "image/gif";
            case "webp" -> "image/webp";
            case "ico" -> "image/x-icon";
            case "txt" -> "text/plain; charset=utf-8";
            case "woff2" -> "font/woff2";
            case "woff" -> "font/woff";
            case "mp3" -> "audio/mpeg";
            case "ogg" -> "audio/ogg";
            case "wav" -> "audio/wav";
            case "webm" -> "video/webm";
            case "mp4" -> "video/mp4";
            default -> "application/octet-stream";
        };
    }

    /**
     * Text on one line: line breaks become spaces; null becomes "unknown error".
     */
    static String oneLine(final String message)
    {
        if (null == message || message.isBlank())
        {
            return "unknown error";
        }
        return message.strip().replaceAll("\\s*[\\r\\n]+\\s*", " ");
    }

    /**
     * A client-supplied string made safe to echo in an error or a log line: control characters (terminal escape
     * codes, line breaks) and other non-printing characters become {@code \\uXXXX}, and anything past
     * {@value #MAX_ECHO_LENGTH} characters is cut and marked with an ellipsis. Null becomes "(none)".
     *
     * @param text from the client.
     * @return printable text of bounded length.
     */
    static String clientText(final String text)
    {
        if (null == text)
        {
            return "(none)";
        }
        final int length = Math.min(text.length(), MAX_ECHO_LENGTH);
        final StringBuilder builder = new StringBuilder(length + 8);
        for (int i = 0; i < length; i++)
        {
            final char c = text.charAt(i);
            if (c < 0x20 || (c >= 0x7f && c <= 0x9f) || Character.isISOControl(c) ||
                Character.getType(c) == Character.FORMAT || Character.isSurrogate(c))
            {
                builder.append(String.format("\\u%04x", (int)c));
            }
            else
            {
                builder.append(c);
            }
        }
        if (text.length() > MAX_ECHO_LENGTH)
        {
            builder.append("...");
        }
        return builder.toString();
    }

    /**
     * Escape text for HTML content and attribute values.
     */
    static String html(final String text)
    {
        final StringBuilder builder = new StringBuilder(text.length() + 16);
        for (int i = 0; i < text.length(); i++)
        {
            final char c = text.charAt(i);
            switch (c)
            {
                case '<' -> builder.append("&lt;");
                case '>' -> builder.append("&gt;");
                case '&' -> builder.append("&amp;");
                case '"' -> builder.append("&quot;");
                case '\'' -> builder.append("&#39;");
                default -> builder.append(c);
            }
        }
        return builder.toString();
    }

    /**
     * UTF-8 bytes of a string.
     */
    static byte[] utf8(final String text)
    {
        return text.getBytes(StandardCharsets.UTF_8);
    }
}
