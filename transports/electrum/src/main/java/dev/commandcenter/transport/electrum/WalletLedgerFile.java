package dev.commandcenter.transport.electrum;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.util.Map;

/**
 * The wallet ledger's own file in the data dir, so exactly-once payments do not depend on the
 * journal's retention (or on the journal being enabled). It is JSON:
 * <pre>
 * {"format": "commandcenter-wallet-ledger", "version": 1, "tipHeight": 812345,
 *  "payments": [{"txid": hex, "scriptHash": hex, "address": "bc1q...", "amountSats": 21000, "memo": "",
 *                "received": true, "height": 812340, "confirmations": 6, "reorgs": 0, "reorged": false}, ...],
 *  "balances": [{"address": "bc1q...", "confirmedSats": 21000, "unconfirmedSats": 0}, ...]}
 * </pre>
 * Written crash-safely: the whole ledger goes to {@code wallet-ledger.json.tmp}, which is forced to
 * disk and renamed atomically over {@code wallet-ledger.json}, then the directory is forced; a crash
 * leaves either the old file or the new one, never a mix. A file that does not parse is refused at
 * start with one line naming it (never silently replaced, which would announce every payment again).
 * <p>
 * <b>Note:</b> not thread safe; one writer (the wallet conductor) saves at a time.
 */
public final class WalletLedgerFile
{
    /** Name of the ledger file in the data dir. */
    public static final String FILE_NAME = "wallet-ledger.json";
    /** Value of the {@code format} field. */
    public static final String FORMAT = "commandcenter-wallet-ledger";
    /** Version of the layout written. */
    public static final int VERSION = 1;

    private static final ObjectMapper MAPPER = new ObjectMapper();
    private static final String TMP_SUFFIX = ".tmp";

    private WalletLedgerFile()
    {
    }

    /**
     * The ledger file of a data dir.
     *
     * @param dataDir the data dir.
     * @return its ledger file path.
     */
    public static Path in(final Path dataDir)
    {
        return dataDir.resolve(FILE_NAME);
    }

    /**
     * Load a ledger file.
     *
     * @param file the file.
     * @return the ledger it holds.
     * @throws IllegalStateException naming the file and what is wrong when it is not a ledger of this layout.
     * @throws UncheckedIOException when it cannot be read.
     */
    public static WalletLedger load(final Path file)
    {
        final byte[] bytes;
        try
        {
            bytes = Files.readAllBytes(file);
        }
        catch (final IOException ex)
        {
            throw new UncheckedIOException("wallet ledger " + file + ": cannot read it: " + ex.getMessage(), ex);
        }
        final JsonNode root;
        try
        {
            root = MAPPER.readTree(bytes);
        }
        catch (final IOException ex)
        {
            throw corrupt(file, "it is not JSON (" + firstLine(ex) + ")");
        }
        if (null == root || !root.isObject() || !FORMAT.equals(root.path("format").asText()))
        {
            throw corrupt(file, "it has no \"format\": \"" + FORMAT + "\"");
        }
        if (root.path("version").asInt(-1) != VERSION)
        {
            throw corrupt(file, "its version is " + root.path("version") + ", expected " + VERSION);
        }
        final WalletLedger ledger = new WalletLedger();
        final JsonNode payments = root.path("payments");
        final JsonNode balances = root.path("balances");
        if (!payments.isArray() || !balances.isArray() || !root.path("tipHeight").canConvertToInt())
        {
            throw corrupt(file, "expected \"tipHeight\", \"payments\" and \"balances\"");
        }
        int index = 0;
        for (final JsonNode payment : payments)
        {
            if (!isHash(payment.path("txid")) || !isHash(payment.path("scriptHash")) ||
                !payment.path("address").isTextual() || !payment.path("amountSats").canConvertToLong() ||
                !payment.path("height").canConvertToInt() || !payment.path("confirmations").canConvertToInt() ||
                !payment.path("received").isBoolean())
            {
                throw corrupt(file, "payment " + index + " lacks txid, scriptHash, address, amountSats, received, " +
                    "height or confirmations");
            }
            ledger.restore(new WalletLedger.Entry(
                payment.get("txid").asText(), payment.get("scriptHash").asText(), payment.get("address").asText(),
                payment.get("amountSats").asLong(), payment.path("memo").asText(""), payment.get("received").asBoolean(),
                payment.get("height").asInt(), payment.get("confirmations").asInt(), payment.path("reorgs").asInt(0),
                payment.path("reorged").asBoolean(false)));
            index++;
        }
        index = 0;
        for (final JsonNode balance : balances)
        {
            if (!balance.path("address").isTextual() || !balance.path("confirmedSats").canConvertToLong() ||
                !balance.path("unconfirmedSats").canConvertToLong())
            {
                throw corrupt(file, "balance " + index + " lacks address, confirmedSats or unconfirmedSats");
            }
            ledger.restoreBalance(balance.get("address").asText(), new WalletLedger.Balance(
                balance.get("confirmedSats").asLong(), balance.get("unconfirmedSats").asLong()));
            index++;
        }
        ledger.tipHeight(root.get("tipHeight").asInt());
        return ledger;
    }

    /**
     * Save a ledger crash-safely: write a temporary file, force it, rename it atomically over the
     * ledger file, force the directory.
     *
     * @param ledger the ledger.
     * @param file   the ledger file.
     * @return the ledger version saved.
     * @throws UncheckedIOException when it cannot be written (the previous file is left as it was).
     */
    public static long save(final WalletLedger ledger, final Path file)
    {
        final long version;
        final ObjectNode root = MAPPER.createObjectNode();
        synchronized (ledger)
        {
            version = ledger.version();
            root.put("format", FORMAT);
            root.put("version", VERSION);
            root.put("tipHeight", ledger.tipHeight());
            final ArrayNode payments = root.putArray("payments");
            for (final String scriptHash : ledger.scriptHashes())
            {
                for (final WalletLedger.Entry entry : ledger.entries(scriptHash))
                {
                    final ObjectNode payment = payments.addObject();
                    payment.put("txid", entry.txid());
                    payment.put("scriptHash", entry.scriptHash());
                    payment.put("address", entry.address());
                    payment.put("amountSats", entry.amountSats());
                    payment.put("memo", entry.memo());
                    payment.put("received", entry.received());
                    payment.put("height", entry.height());
                    payment.put("confirmations", entry.confirmations());
                    payment.put("reorgs", entry.reorgs());
                    payment.put("reorged", entry.reorged());
                }
            }
            final ArrayNode balances = root.putArray("balances");
            for (final Map.Entry<String, WalletLedger.Balance> balance : ledger.balances().entrySet())
            {
                balances.addObject()
                    .put("address", balance.getKey())
                    .put("confirmedSats", balance.getValue().confirmedSats())
                    .put("unconfirmedSats", balance.getValue().unconfirmedSats());
            }
        }
        final byte[] bytes;
        try
        {
            bytes = MAPPER.writeValueAsString(root).getBytes(StandardCharsets.UTF_8);
        }
        catch (final JsonProcessingException ex)
        {
            throw new IllegalStateException("wallet ledger: cannot encode it: " + ex.getMessage(), ex);
        }
        final Path tmp = file.resolveSibling(file.getFileName() + TMP_SUFFIX);
        try
        {
            Files.createDirectories(file.toAbsolutePath().getParent());
            try (FileChannel channel = FileChannel.open(tmp,
                StandardOpenOption.CREATE, StandardOpenOption.TRUNCATE_EXISTING, StandardOpenOption.WRITE))
            {
                final ByteBuffer buffer = ByteBuffer.wrap(bytes);
                while (buffer.hasRemaining())
                {
                    channel.write(buffer);
                }
                channel.force(true);
            }
            try
            {
                Files.move(tmp, file, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
            }
            catch (final AtomicMoveNotSupportedException ex)
            {
                throw new IOException("the file system cannot rename atomically", ex);
            }
            forceDirectory(file.toAbsolutePath().getParent());
        }
        catch (final IOException ex)
        {
            throw new UncheckedIOException("wallet ledger " + file + ": cannot write it: " + ex.getMessage(), ex);
        }
        return version;
    }

    private static void forceDirectory(final Path dir)
    {
        try (FileChannel channel = FileChannel.open(dir, StandardOpenOption.READ))
        {
            channel.force(true);
        }
        catch (final IOException ignore)
        {
            // some platforms cannot open a directory for syncing; the rename itself is atomic there
        }
    }

    private static boolean isHash(final JsonNode node)
    {
        return node.isTextual() && node.asText().length() == 64 && node.asText().chars().allMatch(
            (c) -> (c >= '0' && c <= '9') || (c >= 'a' && c <= 'f'));
    }

    private static IllegalStateException corrupt(final Path file, final String what)
    {
        return new IllegalStateException("wallet ledger " + file + " is unreadable: " + what +
            "; restore it from a backup, or move it aside to rebuild it from the journal " +
            "(payments no longer journaled would then be announced again)");
    }

    private static String firstLine(final Exception ex)
    {
        final String message = String.valueOf(ex.getMessage());
        final int newline = message.indexOf('\n');
        return newline < 0 ? message : message.substring(0, newline);
    }
}
