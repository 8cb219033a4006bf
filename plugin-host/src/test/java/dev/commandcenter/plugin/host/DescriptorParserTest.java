package dev.commandcenter.plugin.host;

import dev.commandcenter.codecs.sbe.ChatMessageDecoder;
import dev.commandcenter.codecs.sbe.OverlayAlertDecoder;
import dev.commandcenter.plugin.host.DescriptorException;
import dev.commandcenter.plugin.host.DescriptorParser;
import dev.commandcenter.engine.BackPressure;
import dev.commandcenter.engine.plugin.Recovery;
import dev.commandcenter.plugin.host.PluginDescriptor;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class DescriptorParserTest
{
    private static final String FILE = "plugin.yaml in plugins/tips.jar";
    private static final String VALID = """
        id: tips
        name: Tip alerts
        version: 1.2.0
        description: alerts for tips
        main: com.example.TipsPlugin
        engine: ">=1.0.0 <2.0.0"
        requires:
          chat: "^1.0.0"
        subscribes:
          - type: TransactionReceived
            where: [amountSats >= 1000, "memo != ''"]
            source: wallet
          - ChatMessage
        permissions:
          emits: [OverlayAlert, ChatMessage]
          outputs: [websocket]
          network: false
        backPressure: detach
        lagLimit: 128
        stallTimeoutMs: 2000
        """;

    @Test
    void shouldReadEveryField()
    {
        final PluginDescriptor descriptor = DescriptorParser.parse(FILE, VALID, true);

        assertThat(descriptor.id()).isEqualTo("tips");
        assertThat(descriptor.name()).isEqualTo("Tip alerts");
        assertThat(descriptor.version().toString()).isEqualTo("1.2.0");
        assertThat(descriptor.main()).isEqualTo("com.example.TipsPlugin");
        assertThat(descriptor.requires()).containsOnlyKeys("chat");
        assertThat(descriptor.subscribes()).extracting(PluginDescriptor.Subscribe::describe).containsExactly(
            "TransactionReceived where amountSats >= 1000 and memo != '' from wallet", "ChatMessage");
        assertThat(descriptor.emitTemplateIds()).containsExactly(OverlayAlertDecoder.TEMPLATE_ID, ChatMessageDecoder.TEMPLATE_ID);
        assertThat(descriptor.permissions().outputs()).containsExactly("websocket");
        assertThat(descriptor.permissions().network()).isFalse();
        assertThat(descriptor.backPressure()).isEqualTo(BackPressure.DETACH);
        assertThat(descriptor.lagLimit()).isEqualTo(128);
        assertThat(descriptor.stallTimeoutMs()).isEqualTo(2000L);
    }

    @Test
    void shouldDefaultToNoPermissions()
    {
        final PluginDescriptor descriptor = DescriptorParser.parse(FILE, """
            id: quiet
            version: 0.1.0
            engine: "^1.0.0"
            subscribes: ["*"]
            """, false);

        assertThat(descriptor.permissions().emits()).isEmpty();
        assertThat(descriptor.permissions().outputs()).isEmpty();
        assertThat(descriptor.permissions().network()).isFalse();
        assertThat(descriptor.name()).isEqualTo("quiet");
    }

    @Test
    void shouldNameFileFieldAndExpectationOfEachMistake()
    {
        bad(VALID.replace("id: tips", "id: Tips"), "field 'id': expected lowercase letters, digits and dashes");
        bad(VALID.replace("id: tips", "id: dir"), "field 'id': 'dir' is reserved for settings");
        bad(VALID.replace("id: tips\n", ""), "field 'id': missing: expected a plugin id");
        bad(VALID.replace("version: 1.2.0", "version: 1.2"), "field 'version': expected a semantic version such as 1.2.0, got '1.2'");
        bad(VALID.replace("main: com.example.TipsPlugin\n", ""), "field 'main': missing: expected the class implementing");
        bad(VALID.replace("engine: \">=1.0.0 <2.0.0\"", "engine: \">=2.0.0\""),
            "field 'engine': the plugin needs plugin API >=2.0.0, this engine provides 1.0.0");
        bad(VALID.replace("engine: \">=1.0.0 <2.0.0\"", "engine: soon"), "field 'engine': expected a version range");
        bad(VALID.replace("chat: \"^1.0.0\"", "chat: \"one\""), "field 'requires.chat': expected a version range");
        bad(VALID.replace("type: TransactionReceived", "type: Payment"),
            "field 'subscribes[0].type': expected a message type, one of [AutomationAction, AutomationControl, AutomationFired, ");
        bad(VALID.replace("amountSats >= 1000", "amount >= 1000"),
            "field 'subscribes[0].where': TransactionReceived has no field 'amount', expected one of [amountSats, height, " +
            "confirmations, verified, address, memo]");
        bad(VALID.replace("amountSats >= 1000", "amountSats >= lots"),
            "field 'subscribes[0].where': expected a whole number for 'amountSats' of TransactionReceived (int64), got 'lots'");
        bad(VALID.replace("amountSats >= 1000", "amountSats about 1000"),
            "field 'subscribes[0].where': expected '<field> <op> <value>'");
        bad(VALID.replace("amountSats >= 1000", "txid == 00"), "field 'subscribes[0].where': field 'txid' of " +
            "TransactionReceived cannot be filtered: expected a number, enum or string field");
        bad(VALID.replace("source: wallet", "source: mars"),
            "field 'subscribes[0].source': expected a source, one of [wallet, websocket");
        bad(VALID.replace("emits: [OverlayAlert, ChatMessage]", "emits: [Alert]"),
            "field 'permissions.emits': expected message types, one of [");
        bad(VALID.replace("network: false", "network: maybe"), "field 'permissions.network': expected true or false, got 'maybe'");
        bad(VALID.replace("backPressure: detach", "backPressure: drop"),
            "field 'backPressure': expected one of block | detach, got 'drop'");
        bad(VALID.replace("backPressure: detach", "backPressure: reject"),
            "field 'backPressure': expected one of block | detach, got 'reject'");
        bad(VALID.replace("lagLimit: 128", "lagLimit: 0"), "field 'lagLimit': expected a whole number of 1 or more, got '0'");
        bad(VALID + "source: wallet\n", "unknown key 'source', expected one of [backPressure, description");
        bad(VALID + "colour: blue\n", "unknown key 'colour', expected one of [backPressure, description");
        final String minimal = "id: x\nversion: 1.0.0\nmain: a.B\nengine: '^1.0.0'\n";
        bad(minimal + "subscribes: []\n", "field 'subscribes': expected a list of message types");
        bad(minimal, "field 'subscribes': missing: expected a list of message types");
        bad("id: \"unclosed\n", "plugin.yaml in plugins/tips.jar: not valid YAML: ");
        bad("id: [unclosed", "plugin.yaml in plugins/tips.jar: not valid YAML: ");
        bad("id: [tips]\n", "'id' expected a string");
        bad("- just\n- a list\n", "expected a section of keys");
        bad("", "expected a mapping of descriptor fields");
    }

    @Test
    void shouldOnlyApplyEqualityToEnumsAndStrings()
    {
        bad(VALID.replace("type: TransactionReceived", "type: NetworkStatus")
                .replace("[amountSats >= 1000, \"memo != ''\"]", "state > CONNECTED"),
            "field 'subscribes[0].where': only == and != apply to enum field 'state' of NetworkStatus, got '>'");
        bad(VALID.replace("[amountSats >= 1000, \"memo != ''\"]", "\"memo < 'a'\""),
            "field 'subscribes[0].where': only == and != apply to string field 'memo' of TransactionReceived, got '<'");
        bad(VALID.replace("type: TransactionReceived", "type: NetworkStatus")
                .replace("[amountSats >= 1000, \"memo != ''\"]", "state == UP"),
            "expected one of [CONNECTED, DEGRADED, DISCONNECTED] for 'state' of NetworkStatus, got 'UP'");
    }

    @Test
    void shouldReadTheRecoveryKeyAsAModeOrAMapping()
    {
        assertThat(DescriptorParser.parse(FILE, VALID, true).recoveryOrNull()).isNull();
        assertThat(DescriptorParser.parse(FILE, VALID + "recovery: journal\n", true).recoveryOrNull())
            .satisfies((recovery) ->
            {
                assertThat(recovery.mode()).isEqualTo(Recovery.Mode.JOURNAL);
                assertThat(recovery.maxEvents()).isEqualTo(Recovery.MAX_EVENTS_DEFAULT);
            });
        assertThat(DescriptorParser.parse(FILE, VALID + "recovery: none\n", true).recoveryOrNull())
            .isSameAs(Recovery.NONE);
        final Recovery bounded = DescriptorParser.parse(FILE, VALID + "recovery: {mode: snapshot, maxEvents: 5000}\n",
            true).recoveryOrNull();
        assertThat(bounded.mode()).isEqualTo(Recovery.Mode.SNAPSHOT);
        assertThat(bounded.maxEvents()).isEqualTo(5000);
        assertThat(DescriptorParser.parse(FILE, VALID.replace("main: com.example.TipsPlugin\n", "") +
            "hosting: process\nrecovery: none\n", true).recoveryOrNull()).isSameAs(Recovery.NONE);
    }

    @Test
    void shouldNameTheLineAndExpectationOfEachRecoveryMistake()
    {
        assertThatThrownBy(() -> DescriptorParser.parse(FILE, VALID + "recovery: always\n", true))
            .hasMessage(FILE + ": 'recovery' (line 21) expected none, journal or snapshot, got 'always'");
        bad(VALID + "recovery: {mode: snapshot, maxEvents: 0}\n",
            "field 'recovery.maxEvents': expected a whole number of 1 or more, got '0'");
        bad(VALID + "recovery: {mode: later}\n", "field 'recovery.mode': expected none, journal or snapshot, got 'later'");
        bad(VALID + "recovery: {maxEvents: 10}\n", "field 'recovery.mode': missing: expected none, journal or snapshot");
        bad(VALID + "recovery: {mode: journal, every: 10}\n", "unknown key 'recovery.every', expected one of [maxEvents, mode]");
        bad(VALID.replace("main: com.example.TipsPlugin\n", "") + "hosting: process\nrecovery: snapshot\n",
            "field 'recovery': 'snapshot' is not possible with hosting: process");
    }

    @Test
    void shouldNameTheLineOfTheKey()
    {
        assertThatThrownBy(() -> DescriptorParser.parse(FILE, VALID.replace("lagLimit: 128", "lagLimit: 0"), true))
            .hasMessage(FILE + ": 'lagLimit' (line 19) expected a whole number of 1 or more, got '0'");
        assertThatThrownBy(() -> DescriptorParser.parse(FILE, "id: x\nname: \"unclosed\n", true))
            .hasMessageStartingWith(FILE + ": not valid YAML (line 2): ");
        assertThatThrownBy(() -> DescriptorParser.parse(FILE, VALID + "colour: blue\n", true))
            .hasMessageStartingWith(FILE + ": unknown key 'colour' (line 21), expected one of [backPressure");
        assertThatThrownBy(() -> DescriptorParser.parse(FILE, VALID.replace("source: wallet", "source: mars"), true))
            .hasMessageStartingWith(FILE + ": 'subscribes[0].source' (line 12) expected a source, one of [wallet");
        assertThatThrownBy(() -> DescriptorParser.parse(FILE, VALID.replace("version: 1.2.0", "version: one"), true))
            .isInstanceOfSatisfying(DescriptorException.class, (ex) ->
            {
                assertThat(ex.field()).isEqualTo("version");
                assertThat(ex.line()).isEqualTo(3);
                assertThat(ex.source()).isEqualTo(FILE);
            });
    }

    @Test
    void shouldKeepTheOrderOfRequirements()
    {
        final PluginDescriptor descriptor = DescriptorParser.parse(FILE, VALID.replace("chat: \"^1.0.0\"",
            "zeta: \"*\"\n  alpha: \"^1.0.0\"\n  mid:"), true);

        assertThat(descriptor.requires()).containsOnlyKeys("zeta", "alpha", "mid");
        assertThat(descriptor.requires().keySet()).containsExactly("zeta", "alpha", "mid");
        assertThat(descriptor.requires().get("mid").toString()).isEqualTo("*");
    }

    /**
     * Expect a one-line error starting with the file; {@code field 'key': rest} in the expectation stands for the
     * key, its line when known, and the rest.
     */
    private static void bad(final String yaml, final String expected)
    {
        final String wanted = expected.startsWith("field '") ? expected.substring("field ".length())
            .replaceFirst("^('[^']*'): ", "$1 ") : expected;
        assertThatThrownBy(() -> DescriptorParser.parse(FILE, yaml, true))
            .isInstanceOf(DescriptorException.class)
            .hasMessageStartingWith(FILE)
            .satisfies((ex) -> assertThat(ex.getMessage().replaceFirst(" \\(line \\d+\\)", "").replace("': ", "' "))
                .contains(wanted.replace("': ", "' ")))
            .satisfies((ex) -> assertThat(ex.getMessage()).doesNotContain("\n"));
    }
}
