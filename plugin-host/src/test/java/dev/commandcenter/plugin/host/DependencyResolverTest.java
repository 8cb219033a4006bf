package dev.commandcenter.plugin.host;

import dev.commandcenter.plugin.host.DependencyResolver;
import dev.commandcenter.plugin.host.DependencyResolver.Node;
import dev.commandcenter.plugin.host.SemanticVersion;
import dev.commandcenter.plugin.host.VersionRange;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

class DependencyResolverTest
{
    @Test
    void shouldStartDependenciesFirst()
    {
        final DependencyResolver.Result result = DependencyResolver.resolve(List.of(
            node("overlay", "1.0.0", Map.of("chat", "^1.0.0", "alerts", ">=2.0.0")),
            node("chat", "1.4.0", Map.of()),
            node("alerts", "2.1.0", Map.of("chat", "*"))), Map.of());

        assertThat(result.failures()).isEmpty();
        assertThat(result.order()).containsExactly("chat", "alerts", "overlay");
    }

    @Test
    void shouldNameAMissingRequirement()
    {
        final DependencyResolver.Result result = DependencyResolver.resolve(List.of(
            node("overlay", "1.0.0", Map.of("chat", "^1.0.0")), node("other", "1.0.0", Map.of())), Map.of());

        assertThat(result.failures()).containsEntry("overlay", "requires 'chat' (^1.0.0), which is not installed");
        assertThat(result.order()).containsExactly("other");
    }

    @Test
    void shouldNameAVersionMismatch()
    {
        final DependencyResolver.Result result = DependencyResolver.resolve(List.of(
            node("overlay", "1.0.0", Map.of("chat", ">=2.0.0")), node("chat", "1.4.0", Map.of())), Map.of());

        assertThat(result.failures()).containsEntry("overlay", "requires 'chat' >=2.0.0, but 'chat' 1.4.0 is installed");
        assertThat(result.order()).containsExactly("chat");
    }

    @Test
    void shouldNameEveryPluginOfACycleAndTheirDependents()
    {
        final DependencyResolver.Result result = DependencyResolver.resolve(List.of(
            node("a", "1.0.0", Map.of("b", "*")), node("b", "1.0.0", Map.of("c", "*")), node("c", "1.0.0", Map.of("a", "*")),
            node("d", "1.0.0", Map.of("a", "*")), node("e", "1.0.0", Map.of())), Map.of());

        assertThat(result.failures()).containsEntry("a", "dependency cycle: a -> b -> c -> a")
            .containsEntry("b", "dependency cycle: a -> b -> c -> a")
            .containsEntry("c", "dependency cycle: a -> b -> c -> a");
        assertThat(result.failures().get("d")).isEqualTo("requires 'a', which cannot start: dependency cycle: a -> b -> c -> a");
        assertThat(result.order()).containsExactly("e");
    }

    @Test
    void shouldFailDependentsOfAPluginThatFailedToLoad()
    {
        final DependencyResolver.Result result = DependencyResolver.resolve(List.of(
            node("overlay", "1.0.0", Map.of("chat", "*")), node("top", "1.0.0", Map.of("overlay", "*"))),
            Map.of("chat", "bad descriptor"));

        assertThat(result.failures().get("overlay")).isEqualTo("requires 'chat' (*), which failed to load: bad descriptor");
        assertThat(result.failures().get("top")).startsWith("requires 'overlay', which cannot start: requires 'chat'");
        assertThat(result.order()).isEmpty();
    }

    private static Node node(final String id, final String version, final Map<String, String> requires)
    {
        final java.util.LinkedHashMap<String, VersionRange> ranges = new java.util.LinkedHashMap<>();
        requires.forEach((key, value) -> ranges.put(key, VersionRange.parse(value)));
        return new Node(id, SemanticVersion.parse(version), ranges);
    }
}
