package dev.commandcenter.transport.websocket;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.handler.codec.http.DefaultFullHttpResponse;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpHeaderValues;
import io.netty.handler.codec.http.HttpVersion;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.QueryStringDecoder;

import java.io.IOException;
import java.io.InputStream;
import java.net.URISyntaxException;
import java.net.URL;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

import static dev.commandcenter.transport.websocket.HttpRequestHandler.PLUGINS_PREFIX;

/**
 * {@code GET /plugins/<pluginId>/<path>}: a plugin's web pages, read from its {@link WebRoot} class loader
 * folder. Folders redirect to their slash form and serve {@code index.html}; paths that could leave the
 * folder ({@code ..}, {@code .}, empty segments, {@code \}, {@code :}, NUL) are refused with 400. No token:
 * pages read it from their own URL.
 * <p>
 * Each file is read once and kept in a direct buffer per plugin and path; every response sends a duplicate of
 * it, so a flood of requests for a page costs no copy of the file each. The cached bytes are read again when the
 * plugin's web root changes (a reload gives it a new class loader, see
 * {@link WebServer.Context#webRootLookup(java.util.function.Function)}).
 * <p>
 * <b>Note:</b> shared by every connection; thread safe when the web root lookup is.
 */
final class PluginPages
{
    /** Files cached at most; later ones are read at each request until the server restarts. */
    static final int MAX_CACHED_FILES = 1024;

    private final WebServer.Context ctx;
    private final Map<String, CachedFile> cache = new ConcurrentHashMap<>();

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

        return serve(query, path, rest.substring(slash + 1), pluginId, root, head, "of plugin '" + pluginId + "'");
    }

    /**
     * The file, redirect or error for a path under a site page ({@code /<name>/...}, such as {@code /dashboard/}):
     * pages of the application itself rather than of a plugin, served the same way.
     *
     * @param query of the request, kept on redirects.
     * @param path  decoded path of the request, {@code /<name>} or below.
     * @param name  the site page's name, the first path segment.
     * @param root  where its files are.
     * @param head  true for a {@code HEAD} request: no body.
     */
    FullHttpResponse respondSite(
        final QueryStringDecoder query, final String path, final String name, final WebRoot root, final boolean head)
    {
        final String prefix = "/" + name;
        if (path.length() == prefix.length())
        {
            final String rawQuery = query.rawQuery();
            return HttpResponses.redirect(prefix + "/" + (rawQuery.isEmpty() ? "" : "?" + rawQuery));
        }
        return serve(query, path, path.substring(prefix.length() + 1), "/" + name, root, head, "of /" + name + "/");
    }

    private FullHttpResponse serve(
        final QueryStringDecoder query, final String path, final String relative, final String cacheRoot,
        final WebRoot root, final boolean head, final String label)
    {
        String file = relative;
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
            return HttpResponses.error(HttpResponseStatus.NOT_FOUND, "no file " + file + " in the web pages " + label);
        }
        if (isDirectory(url))
        {
            final String rawQuery = query.rawQuery();
            return HttpResponses.redirect(path + "/" + (rawQuery.isEmpty() ? "" : "?" + rawQuery));
        }
        final String key = cacheRoot + '/' + file;
        CachedFile cached = cache.get(key);
        if (null == cached || !cached.root.equals(root))
        {
            if (null != cached)
            {
                // A reload: drop every file of the old class loader, so the cache does not keep it alive.
                final String prefix = cacheRoot + '/';
                cache.entrySet().removeIf((entry) -> entry.getKey().startsWith(prefix) && !entry.getValue().root.equals(root));
            }
            final byte[] bytes;
            try (InputStream in = url.openStream())
            {
                bytes = in.readAllBytes();
            }
            catch (final IOException ex)
            {
                return HttpResponses.error(HttpResponseStatus.NOT_FOUND, "cannot read " + file + " " + label + ": " +
                    ex.getMessage());
            }
            cached = new CachedFile(root, HttpResponses.contentType(file), Unpooled.unreleasableBuffer(
                Unpooled.wrappedBuffer(ByteBuffer.allocateDirect(bytes.length).put(bytes).flip())));
            if (null != cache.get(key) || cache.size() < MAX_CACHED_FILES)
            {
                cache.put(key, cached);
            }
        }
        final FullHttpResponse response = new DefaultFullHttpResponse(HttpVersion.HTTP_1_1, HttpResponseStatus.OK,
            head ? Unpooled.EMPTY_BUFFER : cached.content.retainedDuplicate());
        response.headers()
            .set(HttpHeaderNames.CONTENT_TYPE, cached.contentType)
            .setInt(HttpHeaderNames.CONTENT_LENGTH, cached.content.readableBytes())
            .set(HttpHeaderNames.CACHE_CONTROL, HttpHeaderValues.NO_CACHE)
            .set("X-Content-Type-Options", "nosniff");
        return response;
    }

    /**
     * Files held in the cache now.
     */
    int cachedFiles()
    {
        return cache.size();
    }

    /**
     * A file's bytes read once from a web root: in a direct buffer that is never released (its memory goes with
     * the buffer when the entry is replaced and the last response using it is written), whose duplicates are
     * written without a copy.
     */
    private record CachedFile(WebRoot root, String contentType, ByteBuf content)
    {
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
