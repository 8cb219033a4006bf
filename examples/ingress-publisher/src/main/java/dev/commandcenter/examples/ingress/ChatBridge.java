package dev.commandcenter.examples.ingress;

import dev.commandcenter.client.CommandCenterClient;
import dev.commandcenter.codecs.sbe.ChatMessageEncoder;
import dev.commandcenter.codecs.sbe.MessageHeaderEncoder;
import io.aeron.Publication;
import org.agrona.concurrent.BackoffIdleStrategy;
import org.agrona.concurrent.IdleStrategy;
import org.agrona.concurrent.UnsafeBuffer;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.Callable;

/**
 * An example producer: a chat bridge that reads chat lines ({@code user: text}, or just text) from standard input or
 * a file and publishes each as a {@code ChatMessage} event into a Command Center engine over Aeron, then waits until
 * the engine has journaled them all. When the engine is full it is back-pressured: it idles and offers again, so no
 * line is lost.
 */
@Command(name = "chat-bridge", mixinStandardHelpOptions = true,
    description = "Publish chat lines into a Command Center engine over Aeron and await their journaling.")
public final class ChatBridge implements Callable<Integer>
{
    @Option(names = "--aeron-dir", required = true,
        description = "Directory of the engine's media driver: <data-dir>/aeron for an embedded one.")
    String aeronDir;

    @Option(names = "--channel", defaultValue = "aeron:ipc", description = "The engine's aeron.ingress.channel.")
    String channel;

    @Option(names = "--stream", defaultValue = "1001", description = "The engine's aeron.ingress.streamId.")
    int streamId;

    @Option(names = "--response-channel", defaultValue = "aeron:ipc", description = "Channel for acknowledgements.")
    String responseChannel;

    @Option(names = "--response-stream", defaultValue = "1004", description = "Stream id for acknowledgements.")
    int responseStreamId;

    @Option(names = "--chat-channel", defaultValue = "bridge", description = "Chat channel the messages carry.")
    String chatChannel;

    @Option(names = "--file", description = "Read lines from this file rather than standard input.")
    Path file;

    @Option(names = "--timeout-seconds", defaultValue = "30", description = "Longest wait to connect and to journal.")
    long timeoutSeconds;

    private final PrintStream out;

    ChatBridge(final PrintStream out)
    {
        this.out = out;
    }

    /**
     * Run the bridge.
     *
     * @param args command line; {@code --help} lists the options.
     */
    public static void main(final String[] args)
    {
        System.exit(new CommandLine(new ChatBridge(System.out)).execute(args));
    }

    /**
     * Publish every line, then await journaled.
     *
     * @return 0 when every line is journaled, 1 when the wait timed out.
     * @throws Exception when reading fails.
     */
    public Integer call() throws Exception
    {
        final Duration timeout = Duration.ofSeconds(timeoutSeconds);
        final UnsafeBuffer buffer = new UnsafeBuffer(new byte[4096]);
        final MessageHeaderEncoder header = new MessageHeaderEncoder();
        final ChatMessageEncoder chat = new ChatMessageEncoder();
        final IdleStrategy idle = new BackoffIdleStrategy();
        try (CommandCenterClient client = CommandCenterClient.connect(new CommandCenterClient.Context()
            .aeronDirectoryName(aeronDir)
            .ingressChannel(channel)
            .ingressStreamId(streamId)
            .responseChannel(responseChannel)
            .responseStreamId(responseStreamId)
            .clientName("chat-bridge pid " + ProcessHandle.current().pid())
            .connectTimeout(timeout));
            BufferedReader in = null == file ? new BufferedReader(new InputStreamReader(System.in, StandardCharsets.UTF_8)) :
                Files.newBufferedReader(file, StandardCharsets.UTF_8))
        {
            out.println("connected as session " + client.sessionId());
            long lines = 0;
            long backPressured = 0;
            long position = 0;
            for (String line; null != (line = in.readLine()); )
            {
                final int colon = line.indexOf(": ");
                chat.wrapAndApplyHeader(buffer, 0, header)
                    .messageId(lines)
                    .channel(chatChannel)
                    .user(colon > 0 ? line.substring(0, colon) : "bridge")
                    .text(colon > 0 ? line.substring(colon + 2) : line);
                long result;
                idle.reset();
                while ((result = client.offer(chat)) < 0)
                {
                    if (Publication.BACK_PRESSURED == result)
                    {
                        if (0 == backPressured++)
                        {
                            out.println("back-pressured at line " + lines);
                        }
                    }
                    else if (Publication.ADMIN_ACTION != result)
                    {
                        out.println("publish failed at line " + lines + ": " + Publication.errorString(result));
                        return 2;
                    }
                    idle.idle();
                }
                position = result;
                lines++;
            }
            final boolean journaled = 0 == lines || client.awaitJournaled(position, timeout);
            out.println((journaled ? "journaled " : "not journaled within the timeout: ") + lines + " lines (" +
                backPressured + " offers back-pressured)");
            return journaled ? 0 : 1;
        }
    }
}
