package dev.commandcenter.app;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The launcher's JDK finder: it finds the JDK this build runs on, and says what to install when none
 * is new enough.
 */
@Timeout(60)
class FindJdkTest
{
    private static final Path SCRIPT = Path.of("..", "bin", "find-jdk").toAbsolutePath().normalize();

    record Result(int code, String out, String err)
    {
    }

    static Result run(final String version) throws Exception
    {
        final Process process = new ProcessBuilder("bash", SCRIPT.toString(), version).start();
        final String out = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8).strip();
        final String err = new String(process.getErrorStream().readAllBytes(), StandardCharsets.UTF_8).strip();
        assertThat(process.waitFor(30, TimeUnit.SECONDS)).isTrue();
        return new Result(process.exitValue(), out, err);
    }

    @Test
    void shouldFindAJdkOfTheVersionThisBuildRunsOn() throws Exception
    {
        final int feature = Runtime.version().feature();

        final Result result = run(Integer.toString(feature));

        assertThat(result.code()).isZero();
        assertThat(Files.isExecutable(Path.of(result.out(), "bin", "java"))).isTrue();
    }

    @Test
    void shouldSayWhatToInstallWhenNoJdkIsNewEnough() throws Exception
    {
        final Result result = run("999");

        assertThat(result.code()).isEqualTo(1);
        assertThat(result.out()).isEmpty();
        assertThat(result.err()).doesNotContain("\n").contains("needs a JDK 999 or newer")
            .contains("install one").contains("JAVA_HOME");
    }
}
