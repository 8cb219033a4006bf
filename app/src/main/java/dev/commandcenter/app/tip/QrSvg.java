package dev.commandcenter.app.tip;

import io.nayuki.qrcodegen.QrCode;

/**
 * A QR code as an SVG string, rendered on the server so the tip page needs no script for it: one path of the dark
 * modules on a light square with a quiet zone of {@value #QUIET_ZONE} modules, as scanners expect.
 * <p>
 * <b>Note:</b> stateless and thread safe.
 */
public final class QrSvg
{
    /** Light modules around the code, in modules: the quiet zone ISO/IEC 18004 asks for. */
    public static final int QUIET_ZONE = 4;

    private QrSvg()
    {
    }

    /**
     * Encode text (a BIP21 URI) at error correction level M and render it.
     *
     * @param text to encode.
     * @return the SVG document, one line.
     * @throws io.nayuki.qrcodegen.DataTooLongException when the text does not fit a QR code.
     */
    public static String of(final String text)
    {
        return render(QrCode.encodeText(text, QrCode.Ecc.MEDIUM));
    }

    /**
     * Render a QR code.
     *
     * @param qr the code.
     * @return the SVG document, one line.
     */
    public static String render(final QrCode qr)
    {
        final int size = qr.size + 2 * QUIET_ZONE;
        final StringBuilder svg = new StringBuilder(qr.size * qr.size * 6 + 256);
        svg.append("<svg xmlns=\"http://www.w3.org/2000/svg\" version=\"1.1\" viewBox=\"0 0 ").append(size).append(' ')
            .append(size).append("\" shape-rendering=\"crispEdges\">")
            .append("<rect width=\"100%\" height=\"100%\" fill=\"#FFFFFF\"/><path d=\"");
        boolean first = true;
        for (int y = 0; y < qr.size; y++)
        {
            for (int x = 0; x < qr.size; x++)
            {
                if (qr.getModule(x, y))
                {
                    if (!first)
                    {
                        svg.append(' ');
                    }
                    first = false;
                    svg.append('M').append(x + QUIET_ZONE).append(',').append(y + QUIET_ZONE).append("h1v1h-1z");
                }
            }
        }
        return svg.append("\" fill=\"#000000\"/></svg>").toString();
    }
}
