package dev.commandcenter.perf;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

class EngineChildTest
{
    @Test
    @Timeout(30)
    void shouldCopyTheLogWithoutTokensAndFindThePort(@TempDir final Path dir) throws Exception
    {
        final Process process = new ProcessBuilder("sh", "-c",
            "echo starting with s3cret; echo 'overlay: http://127.0.0.1:4711/overlay?token=other&x=1'; echo bye")
            .redirectErrorStream(true).start();
        final CompletableFuture<Integer> port = new CompletableFuture<>();
        final List<String> lines = new ArrayList<>();

        EngineChild.copyLog(process, dir.resolve("child.log"), List.of("s3cret"), port, lines);

        assertThat(port.get(1, TimeUnit.SECONDS)).isEqualTo(4711);
        assertThat(Files.readAllLines(dir.resolve("child.log"), StandardCharsets.UTF_8)).containsExactly(
            "starting with ...", "overlay: http://127.0.0.1:4711/overlay?token=...&x=1", "bye");
        assertThat(lines).hasSize(3);
        assertThat(process.waitFor(10, TimeUnit.SECONDS)).isTrue();
    }

    @Test
    @Timeout(30)
    void shouldFailThePortWhenTheChildExitsWithoutAUrl(@TempDir final Path dir) throws Exception
    {
        final Process process = new ProcessBuilder("sh", "-c", "echo no url here").start();
        final CompletableFuture<Integer> port = new CompletableFuture<>();

        EngineChild.copyLog(process, dir.resolve("child.log"), List.of(), port, new ArrayList<>());

        assertThat(port).isCompletedExceptionally();
    }

    @Test
    void shouldTellTheLastWordsShortened()
    {
        final String reason = EngineChild.lastWords(List.of("starting", "/tmp/x/run.yaml: unknown key 'chat', " +
            "expected one of [a, b, c]", "  "), "/tmp/x/run.yaml", "run.yaml");

        assertThat(reason).isEqualTo("run.yaml: unknown key 'chat'");
        assertThat(EngineChild.lastWords(List.of("x".repeat(300)), null, "run.yaml")).hasSize(243).endsWith("...");
        assertThat(EngineChild.lastWords(List.of(), null, "run.yaml")).isEmpty();
    }
}
