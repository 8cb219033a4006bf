package dev.commandcenter.transport.websocket;

import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.QueryStringDecoder;

import java.io.IOException;
import java.io.InputStream;
import java.net.URISyntaxException;
import java.net.URL;
import java.nio.file.Files;
import java.nio.file.Path;

import static dev.commandcenter.transport.websocket.HttpRequestHandler.PLUGINS_PREFIX;

/**
 * {@code GET /plugins/<pluginId>/<path>}: a plugin's web pages, read from its {@link WebRoot} class loader
 * folder. Folders redirect to their slash form and serve {@code index.html}; paths that could leave the
 * folder ({@code ..}, {@code .}, empty segments, {@code \}, {@code :}, NUL) are refused with 400. No token:
 * pages read it from their own URL.
 * <p>
 * <b>Note:</b> shared by every connection; thread safe when the web root lookup is.
 */
final class PluginPages
{
    private final WebServer.Context ctx;

    /**
     * @param ctx concluded context, with the web roots and their lookup.
     */
    PluginPages(final WebServer.Context ctx)
    {
        this.ctx = ctx;
    }

    /**
     * The file, redirect or error for a path under {@code /plugins}.
     *
     * @param query of the request, kept on redirects.
     * @param path  decoded path of the request.
     * @param head  true for a {@code HEAD} request: no body.
     */
    FullHttpResponse respond(final QueryStringDecoder query, final String path, final boolean head)
    {
        final String rest = path.length() > PLUGINS_PREFIX.length() ? path.substring(PLUGINS_PREFIX.length()) : "";
        final int slash = rest.indexOf('/');
        final String pluginId = slash < 0 ? rest : rest.substring(0, slash);
        final WebRoot root = pluginId.isEmpty() ? null : ctx.webRoot(pluginId);
        if (pluginId.isEmpty() || null == root)
        {
            return HttpResponses.error(HttpResponseStatus.NOT_FOUND, "no web pages for plugin '" + pluginId +
                "', expected one of " + ctx.webRoots().keySet());
        }
        if (slash < 0)
        {
            final String rawQuery = query.rawQuery();
            return HttpResponses.redirect(PLUGINS_PREFIX + pluginId + "/" + (rawQuery.isEmpty() ? "" : "?" + rawQuery));
        }

        String file = rest.substring(slash + 1);
        if (file.isEmpty() || file.endsWith("/"))
        {
            file = file + "index.html";
        }
        final String problem = checkRelativePath(file);
        if (null != problem)
        {
            return HttpResponses.error(HttpResponseStatus.BAD_REQUEST, "bad path " + path + ": " + problem);
        }

        final URL url = root.classLoader().getResource(root.resourceName(file));
        if (null == url)
        {
            return HttpResponses.error(HttpResponseStatus.NOT_FOUND, "no file " + file + " in the web pages of plugin '" +
                pluginId + "'");
        }
        if (isDirectory(url))
        {
            final String rawQuery = query.rawQuery();
            return HttpResponses.redirect(path + "/" + (rawQuery.isEmpty() ? "" : "?" + rawQuery));
        }
        final byte[] bytes;
        try (InputStream in = url.openStream())
        {
            bytes = in.readAllBytes();
        }
        catch (final IOException ex)
        {
            return HttpResponses.error(HttpResponseStatus.NOT_FOUND, "cannot read " + file + " of plugin '" + pluginId +
                "': " + ex.getMessage());
        }
        final FullHttpResponse response = HttpResponses.bytes(HttpResponseStatus.OK, HttpResponses.contentType(file),
            head ? new byte[0] : bytes);
        response.headers().setInt(HttpHeaderNames.CONTENT_LENGTH, bytes.length);
        return response;
    }

    /**
     * Why a decoded path relative to a web root is unsafe, or null when it is fine.
     */
    static String checkRelativePath(final String file)
    {
        if (file.indexOf('\\') >= 0 || file.indexOf('\0') >= 0 || file.indexOf(':') >= 0)
        {
            return "'\\', ':' and NUL are not allowed";
        }
        if (file.startsWith("/"))
        {
            return "empty path segment";
        }
        for (final String segment : file.split("/", -1))
        {
            if (segment.equals("..") || segment.equals("."))
            {
                return "'" + segment + "' segments are not allowed";
            }
            if (segment.isEmpty())
            {
                return "empty path segment";
            }
        }
        return null;
    }

    private static boolean isDirectory(final URL url)
    {
        if ("file".equals(url.getProtocol()))
        {
            try
            {
                return Files.isDirectory(Path.of(url.toURI()));
            }
            catch (final URISyntaxException | IllegalArgumentException ex)
            {
                return false;
            }
        }
        return url.getPath().endsWith("/");
    }
}
