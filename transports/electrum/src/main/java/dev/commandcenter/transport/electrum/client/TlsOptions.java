package dev.commandcenter.transport.electrum.client;

import java.nio.file.Path;
import java.util.List;
import java.util.Locale;

/**
 * How TLS connections decide whether to trust a server. By default the JDK trust store and host
 * name verification; a non-empty pin list trusts exactly the certificates with those SHA-256
 * fingerprints (the usual way with self-signed Electrum servers); {@code allowInsecure} trusts any
 * certificate and should only be used on a trusted network.
 *
 * @param trustStore         PKCS12 or JKS trust store to use instead of the JDK's, or null.
 * @param trustStorePassword password of the trust store, or null.
 * @param pinnedCertSha256   SHA-256 fingerprints of trusted leaf certificates, hex with or without colons.
 * @param allowInsecure      trust any certificate.
 */
public record TlsOptions(Path trustStore, String trustStorePassword, List<String> pinnedCertSha256, boolean allowInsecure)
{
    /** JDK trust store, no pins, no insecure mode. */
    public static final TlsOptions DEFAULT = new TlsOptions(null, null, List.of(), false);

    /**
     * Canonical form.
     */
    public TlsOptions
    {
        pinnedCertSha256 = null == pinnedCertSha256 ? List.of() :
            pinnedCertSha256.stream().map(TlsOptions::normaliseFingerprint).toList();
    }

    /**
     * Normalise a SHA-256 fingerprint to 64 lower-case hex digits.
     *
     * @param fingerprint hex with or without colons or spaces.
     * @return the normalised fingerprint.
     * @throws IllegalArgumentException naming the value when it is not 32 bytes of hex.
     */
    public static String normaliseFingerprint(final String fingerprint)
    {
        final String hex = null == fingerprint ? "" :
            fingerprint.replace(":", "").replace(" ", "").toLowerCase(Locale.ROOT);
        if (hex.length() != 64 || !hex.chars().allMatch((c) -> (c >= '0' && c <= '9') || (c >= 'a' && c <= 'f')))
        {
            throw new IllegalArgumentException("pinned certificate fingerprint '" + fingerprint +
                "' is not a SHA-256 fingerprint: expected 64 hex digits, colons allowed");
        }
        return hex;
    }
}
