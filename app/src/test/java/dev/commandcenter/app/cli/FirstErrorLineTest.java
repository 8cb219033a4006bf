package dev.commandcenter.app.cli;

import org.junit.jupiter.api.Test;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Path;

import static org.assertj.core.api.Assertions.assertThat;

class FirstErrorLineTest
{
    @Test
    void shouldPrintOneLinePointingAtTheErrorLogForTheFirstErrorOnly()
    {
        final StringWriter console = new StringWriter();
        final FirstErrorLine listener = new FirstErrorLine(new PrintWriter(console), Path.of("data", "replay"));

        listener.onError(new IllegalStateException("wallet: connection refused\nat somewhere"));
        listener.onError(new IllegalStateException("second"));

        assertThat(console.toString().lines()).containsExactly("commandcenter: error: wallet: connection refused " +
            "(this and more in 'commandcenter stat --errors --data-dir " + Path.of("data", "replay") + "')");
    }
}
