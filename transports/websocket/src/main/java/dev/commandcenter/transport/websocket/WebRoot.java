package dev.commandcenter.transport.websocket;

import java.util.Objects;

/**
 * Where a plugin's web pages live: a folder on a class loader's class path, served by the
 * {@link WebServer} at {@code /plugins/<pluginId>/}.
 *
 * @param classLoader that loads the plugin's resources.
 * @param folder      resource folder such as {@code "stream-bridge/web"}, without leading or trailing slash.
 */
public record WebRoot(ClassLoader classLoader, String folder)
{
    /**
     * Check and normalise the folder.
     *
     * @param classLoader that loads the plugin's resources.
     * @param folder      resource folder; leading and trailing slashes are removed.
     */
    public WebRoot
    {
        Objects.requireNonNull(classLoader, "classLoader");
        Objects.requireNonNull(folder, "folder");
        int from = 0;
        int to = folder.length();
        while (from < to && folder.charAt(from) == '/')
        {
            from++;
        }
        while (to > from && folder.charAt(to - 1) == '/')
        {
            to--;
        }
        folder = folder.substring(from, to);
    }

    /**
     * Class path name of a file below the folder.
     *
     * @param relativePath already checked for traversal, without leading slash.
     * @return the resource name.
     */
    public String resourceName(final String relativePath)
    {
        return folder.isEmpty() ? relativePath : folder + "/" + relativePath;
    }
}
