package dev.commandcenter.transport.electrum;

import dev.commandcenter.codecs.sbe.NetworkState;
import dev.commandcenter.transport.electrum.client.TlsSupport;
import dev.commandcenter.transport.electrum.sim.ElectrumSimulator;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SSLContext;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyStore;
import java.security.cert.X509Certificate;
import java.util.List;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * A TLS simulator with a self-signed certificate made by keytool: refused by default, accepted when
 * pinned, when trusted through a trust store, or when insecure mode is allowed.
 */
@Timeout(60)
class TlsTest
{
    private static final char[] PASSWORD = "changeit".toCharArray();

    @TempDir
    static Path dir;
    private static SSLContext serverContext;
    private static String fingerprint;
    private static Path trustStore;

    private final WalletHarness harness = new WalletHarness();
    private final String address = WalletHarness.address(0);
    private ElectrumSimulator simulator;

    @BeforeAll
    static void makeCertificate() throws Exception
    {
        final Path keyStorePath = dir.resolve("simulator.p12");
        final Process keytool = new ProcessBuilder(
            Path.of(System.getProperty("java.home"), "bin", "keytool").toString(),
            "-genkeypair", "-alias", "simulator", "-keyalg", "EC", "-groupname", "secp256r1",
            "-dname", "CN=localhost", "-ext", "SAN=ip:127.0.0.1,dns:localhost", "-validity", "3650",
            "-keystore", keyStorePath.toString(), "-storetype", "PKCS12",
            "-storepass", "changeit", "-keypass", "changeit")
            .redirectErrorStream(true).start();
        keytool.getInputStream().transferTo(OutputStream.nullOutputStream());
        assertThat(keytool.waitFor(30, TimeUnit.SECONDS)).isTrue();
        assertThat(keytool.exitValue()).isZero();

        final KeyStore keyStore = KeyStore.getInstance("PKCS12");
        try (InputStream in = Files.newInputStream(keyStorePath))
        {
            keyStore.load(in, PASSWORD);
        }
        final KeyManagerFactory keyManagers = KeyManagerFactory.getInstance(KeyManagerFactory.getDefaultAlgorithm());
        keyManagers.init(keyStore, PASSWORD);
        serverContext = SSLContext.getInstance("TLS");
        serverContext.init(keyManagers.getKeyManagers(), null, null);
        final X509Certificate certificate = (X509Certificate)keyStore.getCertificate("simulator");
        fingerprint = TlsSupport.fingerprint(certificate);

        final KeyStore trust = KeyStore.getInstance("PKCS12");
        trust.load(null, PASSWORD);
        trust.setCertificateEntry("simulator", certificate);
        trustStore = dir.resolve("trust.p12");
        try (OutputStream out = Files.newOutputStream(trustStore))
        {
            trust.store(out, PASSWORD);
        }
    }

    @BeforeEach
    void setUp() throws Exception
    {
        simulator = ElectrumSimulator.start(new ElectrumSimulator.Context().clock(harness.clock).sslContext(serverContext));
        harness.simulators.add(simulator);
    }

    @AfterEach
    void tearDown()
    {
        harness.close();
    }

    @Test
    void shouldRefuseASelfSignedCertificateByDefaultNamingItsFingerprint() throws Exception
    {
        assertThat(simulator.url()).startsWith("ssl://127.0.0.1:");
        harness.start(harness.context().addresses(List.of(address)));

        harness.awaitUntil(() -> harness.statusCount(NetworkState.DISCONNECTED) >= 1);
        final String reason = harness.lastStatus().reason();
        assertThat(reason).startsWith("TLS handshake with " + simulator.url() + " refused: server certificate (SHA-256 " +
            TlsSupport.display(fingerprint) + ") is not trusted (");
        assertThat(reason).endsWith("; pin the certificate with wallet.electrum.tls.pinnedCertSha256 after checking it, " +
            "or set wallet.electrum.tls.allowInsecure");
        assertThat(reason).doesNotContain("\n");
        assertThat(harness.errors).contains(reason);
        harness.awaitAdvancing(() -> harness.statusCount(NetworkState.DISCONNECTED) >= 1 && simulator.connectionsAccepted() >= 2);
        assertThat(harness.statusCount(NetworkState.CONNECTED)).isZero();
        assertThat(simulator.requestCount("server.version")).isZero();
    }

    @Test
    void shouldRefuseACertificateThatMatchesNoPin() throws Exception
    {
        harness.start(harness.context().addresses(List.of(address)).pinnedCertSha256(List.of("00".repeat(32))));

        harness.awaitUntil(() -> harness.statusCount(NetworkState.DISCONNECTED) >= 1);
        assertThat(harness.lastStatus().reason()).contains("server certificate (SHA-256 " + TlsSupport.display(fingerprint) +
            ") matches none of the pinned fingerprints");
    }

    @Test
    void shouldConnectWhenTheCertificateIsPinned() throws Exception
    {
        harness.start(harness.context().addresses(List.of(address)).pinnedCertSha256(List.of(TlsSupport.display(fingerprint))));
        harness.awaitConnected(1);

        final ElectrumSimulator.Payment payment = simulator.pay(address, 1_234, null);
        harness.awaitReceived(payment.txid());
        assertThat(harness.publisher.statuses().getFirst().state()).isEqualTo(NetworkState.CONNECTED);
    }

    @Test
    void shouldConnectThroughATrustStoreWithHostNameVerification() throws Exception
    {
        harness.start(harness.context().addresses(List.of(address)).trustStore(trustStore, "changeit"));
        harness.awaitConnected(1);
        assertThat(harness.errors).isEmpty();
    }

    @Test
    void shouldConnectWhenInsecureTlsIsAllowed() throws Exception
    {
        harness.start(harness.context().addresses(List.of(address)).allowInsecureTls(true));
        harness.awaitConnected(1);
        assertThat(harness.errors).isEmpty();
    }
}
