package dev.commandcenter.plugin.streambridge;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.assertj.core.api.Assertions.assertThat;

class OverlayPageResourcesTest
{
    private static final Pattern EXTERNAL = Pattern.compile(
        "(?i)(https?:|ftp:)//|(src|href)\\s*=\\s*[\"']?\\s*//|@import|url\\(\\s*[\"']?(?!data:)[^)\"'\\s]|<link[^>]+rel=[\"']?(preconnect|dns-prefetch)");

    @ParameterizedTest
    @ValueSource(strings = { "index.html", "overlay.js", "overlay.css" })
    void shouldShipEachPageFileWithoutExternalReferences(final String file) throws IOException
    {
        final String text = read(file);

        assertThat(text).isNotBlank();
        final Matcher matcher = EXTERNAL.matcher(text);
        assertThat(matcher.find()).as("%s references something outside the page: %s", file,
            matcher.find(0) ? matcher.group() : "").isFalse();
    }

    @Test
    void shouldLoadItsScriptAndStyleRelativelyAndExposeTheDomIds() throws IOException
    {
        final String html = read("index.html");

        assertThat(html)
            .contains("<script src=\"overlay.js\"></script>")
            .contains("<link rel=\"stylesheet\" href=\"overlay.css\">")
            .contains("id=\"alert\"", "id=\"alert-title\"", "id=\"alert-message\"", "id=\"status\"", "id=\"error\"");
        assertThat(html).containsPattern("id=\"status\"[^>]*hidden");
    }

    @Test
    void shouldConnectToItsOwnSocketPathOnTheSameHost() throws IOException
    {
        final String script = read("overlay.js");

        assertThat(script)
            .contains("'/ws/stream-bridge?token=' + encodeURIComponent(token)")
            .contains("window.location.host")
            .doesNotContain("innerHTML");
    }

    @Test
    void shouldKeepTheBackgroundTransparent() throws IOException
    {
        assertThat(read("overlay.css")).containsPattern("(?s)html,\\s*body\\s*\\{[^}]*background:\\s*transparent");
    }

    private static String read(final String file) throws IOException
    {
        final String path = new StreamBridgePlugin().webResourceRoot() + "/" + file;
        try (InputStream in = StreamBridgePlugin.class.getClassLoader().getResourceAsStream(path))
        {
            assertThat(in).as("class path resource %s", path).isNotNull();
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        }
    }
}
