package dev.commandcenter.app.cli;

import dev.commandcenter.app.secrets.SecretsStore;
import dev.commandcenter.app.config.AppConfig;
import dev.commandcenter.app.config.ConfigLoader;
import dev.commandcenter.transport.websocket.Scope;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

import java.io.PrintWriter;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.EnumSet;
import java.util.Set;
import java.util.concurrent.Callable;

/**
 * {@code commandcenter token show|rotate}: the owner's view of the data dir's secrets store. {@code show} prints
 * the overlay URL (the chat page's with {@code --scope chat} or {@code moderator}, the tip page's with
 * {@code --scope tip}; with {@code --scope admin}, the admin token and the dashboard URL) to the terminal; {@code rotate} writes new
 * tokens, which a running node applies at once (feeds opened with an old token close after
 * {@code websocket.rotationGraceMs}). Tokens are printed only here, never logged.
 */
@Command(name = "token", description = "Show or rotate the overlay, admin, chat, moderator and tip tokens of a data dir.",
    subcommands = { TokenCommand.Show.class, TokenCommand.Rotate.class })
public final class TokenCommand implements Runnable
{
    @Spec
    private CommandSpec spec;

    /**
     * Without a subcommand: print the usage.
     */
    public void run()
    {
        spec.commandLine().usage(spec.commandLine().getOut());
    }

    /** Prints a token, and for the overlay scope the URL of the overlay page. */
    @Command(name = "show", description = "Print the overlay page URL with its token (default), the chat page URL " +
        "with --scope chat or moderator, the tip page URL with --scope tip, or the admin token and the dashboard URL " +
        "with --scope admin. For the owner's terminal only: anyone with it can open the overlay (or post events).")
    static final class Show implements Callable<Integer>
    {
        @Mixin
        CommonOptions common;

        @Option(names = "--scope", paramLabel = "SCOPE", defaultValue = "overlay",
            description = "overlay, admin, chat, moderator or tip. Default: ${DEFAULT-VALUE}")
        String scope;

        @Option(names = "--config", paramLabel = "FILE",
            description = "YAML configuration of the node, for its address and port (default 127.0.0.1:7300).")
        Path config;

        @Spec
        CommandSpec spec;

        public Integer call()
        {
            final Scope parsed = Scope.parse(scope);
            final SecretsStore store = SecretsStore.open(common.dataDir);
            final AppConfig appConfig = null == config ? new AppConfig() : ConfigLoader.load(config);
            final PrintWriter out = spec.commandLine().getOut();
            final String configured = configuredToken(appConfig, parsed);
            final String token = null == configured || configured.isEmpty() ? store.token(parsed) : configured;
            final String host = appConfig.websocket.bind.indexOf(':') >= 0 ?
                "[" + appConfig.websocket.bind + "]" : appConfig.websocket.bind;
            final String base = "http://" + host + ":" + appConfig.websocket.port;
            final String encoded = URLEncoder.encode(token, StandardCharsets.UTF_8);
            if (Scope.ADMIN == parsed)
            {
                out.println(token);
                // The dashboard reads the token from the fragment, which no request carries to a server or a log.
                out.println("dashboard: " + base + "/dashboard/#token=" + encoded);
            }
            else
            {
                final String page = parsed.isChat() ? "/plugins/chat/" : Scope.TIP == parsed ? "/tip/" :
                    "/plugins/stream-bridge/";
                out.println(base + page + "?token=" + encoded);
            }
            out.flush();
            return 0;
        }
    }

    /**
     * The token a configuration sets for a scope, overriding the store.
     *
     * @param appConfig the configuration.
     * @param scope     any scope.
     * @return the configured token, empty or null when none.
     */
    static String configuredToken(final AppConfig appConfig, final Scope scope)
    {
        return switch (scope)
        {
            case ADMIN -> appConfig.websocket.adminToken;
            case OVERLAY -> appConfig.websocket.token;
            case CHAT -> appConfig.websocket.chatToken;
            case MODERATOR -> appConfig.websocket.moderatorToken;
            case TIP -> null;
        };
    }

    /** Writes new tokens. */
    @Command(name = "rotate", description = "Replace the tokens with new random ones (all by default). A running " +
        "node applies them at once; feeds opened with an old token close after websocket.rotationGraceMs. Update " +
        "the OBS URLs after rotating the overlay token (token show prints the new one).")
    static final class Rotate implements Callable<Integer>
    {
        @Mixin
        CommonOptions common;

        @Option(names = "--scope", paramLabel = "SCOPE",
            description = "overlay, admin, chat, moderator or tip; all five when left out.")
        String scope;

        @Spec
        CommandSpec spec;

        public Integer call()
        {
            final Set<Scope> scopes = null == scope ? EnumSet.allOf(Scope.class) : EnumSet.of(Scope.parse(scope));
            final SecretsStore store = SecretsStore.open(common.dataDir).rotate(scopes);
            final PrintWriter out = spec.commandLine().getOut();
            for (final Scope rotated : scopes)
            {
                out.println("rotated the " + rotated.label() + " token in " + store.file() +
                    " (commandcenter token show --scope " + rotated.label() + " prints it)");
            }
            out.println("a token set in the configuration (websocket.token, websocket.adminToken, " +
                "websocket.chatToken, websocket.moderatorToken) overrides the store " +
                "and is not rotated");
            out.flush();
            return 0;
        }
    }
}
