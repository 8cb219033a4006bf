package dev.commandcenter.transport.electrum.client;

import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLEngine;
import javax.net.ssl.TrustManager;
import javax.net.ssl.TrustManagerFactory;
import javax.net.ssl.X509ExtendedTrustManager;
import javax.net.ssl.X509TrustManager;
import java.io.IOException;
import java.io.InputStream;
import java.net.Socket;
import java.nio.file.Files;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.security.MessageDigest;
import java.security.cert.CertificateException;
import java.security.cert.X509Certificate;
import java.util.HexFormat;
import java.util.Locale;

/**
 * Builds the client {@link SSLContext} from {@link TlsOptions}: pinned fingerprints, JDK or custom
 * trust store, or (explicitly) no verification. A refused certificate fails with a message that
 * names its SHA-256 fingerprint, so the user can pin it after checking it out of band.
 */
public final class TlsSupport
{
    private TlsSupport()
    {
    }

    /**
     * Build an SSL context for a client.
     *
     * @param options trust options.
     * @return the context.
     * @throws IOException when the trust store cannot be read.
     */
    public static SSLContext clientContext(final TlsOptions options) throws IOException
    {
        try
        {
            final TrustManager trustManager;
            if (options.allowInsecure())
            {
                trustManager = new InsecureTrustManager();
            }
            else if (!options.pinnedCertSha256().isEmpty())
            {
                trustManager = new PinningTrustManager(options);
            }
            else
            {
                trustManager = new FingerprintReportingTrustManager(defaultTrustManager(options));
            }
            final SSLContext context = SSLContext.getInstance("TLS");
            context.init(null, new TrustManager[]{ trustManager }, null);
            return context;
        }
        catch (final GeneralSecurityException ex)
        {
            throw new IOException("TLS setup failed: " + ex.getMessage(), ex);
        }
    }

    /**
     * Whether host names should be verified for these options (only with trust-store verification).
     *
     * @param options trust options.
     * @return true when the certificate must also match the host name.
     */
    public static boolean verifyHostName(final TlsOptions options)
    {
        return !options.allowInsecure() && options.pinnedCertSha256().isEmpty();
    }

    /**
     * SHA-256 fingerprint of a certificate, lower-case hex without separators.
     *
     * @param certificate to fingerprint.
     * @return 64 hex digits.
     */
    public static String fingerprint(final X509Certificate certificate)
    {
        try
        {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(certificate.getEncoded()));
        }
        catch (final GeneralSecurityException ex)
        {
            throw new IllegalStateException(ex);
        }
    }

    /**
     * A fingerprint in the colon-separated upper-case form tools print.
     *
     * @param hex 64 hex digits.
     * @return such as {@code AB:CD:...}.
     */
    public static String display(final String hex)
    {
        final StringBuilder builder = new StringBuilder(hex.length() * 3 / 2);
        for (int i = 0; i < hex.length(); i += 2)
        {
            if (i > 0)
            {
                builder.append(':');
            }
            builder.append(hex, i, i + 2);
        }
        return builder.toString().toUpperCase(Locale.ROOT);
    }

    private static X509ExtendedTrustManager defaultTrustManager(final TlsOptions options)
        throws IOException, GeneralSecurityException
    {
        KeyStore keyStore = null;
        if (null != options.trustStore())
        {
            final char[] password = null == options.trustStorePassword() ? null : options.trustStorePassword().toCharArray();
            try (InputStream in = Files.newInputStream(options.trustStore()))
            {
                keyStore = KeyStore.getInstance(KeyStore.getDefaultType());
                keyStore.load(in, password);
            }
            catch (final IOException | GeneralSecurityException ex)
            {
                throw new IOException("trust store " + options.trustStore() + " cannot be read: " + ex.getMessage(), ex);
            }
        }
        final TrustManagerFactory factory = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
        factory.init(keyStore);
        for (final TrustManager manager : factory.getTrustManagers())
        {
            if (manager instanceof X509ExtendedTrustManager extended)
            {
                return extended;
            }
        }
        throw new GeneralSecurityException("no X509 trust manager available");
    }

    private static CertificateException refused(final X509Certificate[] chain, final String why)
    {
        final String fingerprint = null == chain || 0 == chain.length ? "none" : display(fingerprint(chain[0]));
        return new CertificateException("server certificate (SHA-256 " + fingerprint + ") " + why);
    }

    private static final class PinningTrustManager implements X509TrustManager
    {
        private final TlsOptions options;

        PinningTrustManager(final TlsOptions options)
        {
            this.options = options;
        }

        public void checkClientTrusted(final X509Certificate[] chain, final String authType) throws CertificateException
        {
            throw new CertificateException("client certificates are not accepted");
        }

        public void checkServerTrusted(final X509Certificate[] chain, final String authType) throws CertificateException
        {
            if (null == chain || 0 == chain.length || !options.pinnedCertSha256().contains(fingerprint(chain[0])))
            {
                throw refused(chain, "matches none of the pinned fingerprints");
            }
        }

        public X509Certificate[] getAcceptedIssuers()
        {
            return new X509Certificate[0];
        }
    }

    private static final class InsecureTrustManager implements X509TrustManager
    {
        public void checkClientTrusted(final X509Certificate[] chain, final String authType) throws CertificateException
        {
            throw new CertificateException("client certificates are not accepted");
        }

        public void checkServerTrusted(final X509Certificate[] chain, final String authType)
        {
        }

        public X509Certificate[] getAcceptedIssuers()
        {
            return new X509Certificate[0];
        }
    }

    private static final class FingerprintReportingTrustManager extends X509ExtendedTrustManager
    {
        private final X509ExtendedTrustManager delegate;

        FingerprintReportingTrustManager(final X509ExtendedTrustManager delegate)
        {
            this.delegate = delegate;
        }

        public void checkClientTrusted(final X509Certificate[] chain, final String authType, final Socket socket)
            throws CertificateException
        {
            delegate.checkClientTrusted(chain, authType, socket);
        }

        public void checkServerTrusted(final X509Certificate[] chain, final String authType, final Socket socket)
            throws CertificateException
        {
            try
            {
                delegate.checkServerTrusted(chain, authType, socket);
            }
            catch (final CertificateException ex)
            {
                throw refused(chain, "is not trusted (" + ex.getMessage() + ")");
            }
        }

        public void checkClientTrusted(final X509Certificate[] chain, final String authType, final SSLEngine engine)
            throws CertificateException
        {
            delegate.checkClientTrusted(chain, authType, engine);
        }

        public void checkServerTrusted(final X509Certificate[] chain, final String authType, final SSLEngine engine)
            throws CertificateException
        {
            try
            {
                delegate.checkServerTrusted(chain, authType, engine);
            }
            catch (final CertificateException ex)
            {
                throw refused(chain, "is not trusted (" + ex.getMessage() + ")");
            }
        }

        public void checkClientTrusted(final X509Certificate[] chain, final String authType) throws CertificateException
        {
            delegate.checkClientTrusted(chain, authType);
        }

        public void checkServerTrusted(final X509Certificate[] chain, final String authType) throws CertificateException
        {
            try
            {
                delegate.checkServerTrusted(chain, authType);
            }
            catch (final CertificateException ex)
            {
                throw refused(chain, "is not trusted (" + ex.getMessage() + ")");
            }
        }

        public X509Certificate[] getAcceptedIssuers()
        {
            return delegate.getAcceptedIssuers();
        }
    }
}
