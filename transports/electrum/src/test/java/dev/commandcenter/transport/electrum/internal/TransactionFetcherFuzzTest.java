package dev.commandcenter.transport.electrum.internal;

import com.code_intelligence.jazzer.junit.FuzzTest;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.TextNode;
import dev.commandcenter.transport.electrum.client.ElectrumException;
import dev.commandcenter.transport.electrum.client.ServerAddress;
import org.bitcoinj.core.Transaction;

import java.lang.invoke.MethodHandle;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.MethodType;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.HexFormat;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Fuzzes the parsing of the raw transaction hex a server answers to {@code blockchain.transaction.get}, through the
 * fetcher's own parse step (bitcoinj, the txid check, the outputs and the OP_RETURN memo).
 * <p>
 * Invariant: any answer is either a transaction with its outputs and a memo of at most 200 printable characters,
 * or an {@link ElectrumException} of kind {@link ElectrumException.Kind#PROTOCOL} whose message is one line;
 * never another exception or an {@link Error} (no allocation sized by a count the server made up).
 * <p>
 * Input: a first byte with an even value makes the rest the transaction's bytes, sent as hex; an odd value sends
 * the rest as text, hex or not.
 */
class TransactionFetcherFuzzTest
{
    private static final ServerAddress SERVER = new ServerAddress("127.0.0.1", 50001, false);
    private static final String UNKNOWN_TXID = "00".repeat(32);
    private static final MethodHandle PARSE;

    static
    {
        try
        {
            PARSE = MethodHandles.privateLookupIn(TransactionFetcher.class, MethodHandles.lookup()).findStatic(
                TransactionFetcher.class, "parseTransaction", MethodType.methodType(
                    TransactionFetcher.TxInfo.class, ServerAddress.class, String.class, JsonNode.class));
        }
        catch (final ReflectiveOperationException ex)
        {
            throw new ExceptionInInitializerError(ex);
        }
    }

    @FuzzTest
    void shouldParseAnyTransactionAnswerOrRefuseItWithOneLine(final byte[] input) throws Throwable
    {
        if (0 == input.length)
        {
            return;
        }
        final byte[] rest = Arrays.copyOfRange(input, 1, input.length);
        final String answer = 0 == (input[0] & 1) ? HexFormat.of().formatHex(rest) : new String(rest, StandardCharsets.UTF_8);

        // Ask for the transaction's own txid when it has one, so the outputs and memo are read too.
        String txid = UNKNOWN_TXID;
        if (0 == (input[0] & 1))
        {
            try
            {
                txid = Transaction.read(ByteBuffer.wrap(rest)).getTxId().toString();
            }
            catch (final RuntimeException ignore)
            {
                // the fetcher must refuse it as well
            }
        }

        final TransactionFetcher.TxInfo tx;
        try
        {
            tx = (TransactionFetcher.TxInfo)PARSE.invokeExact(SERVER, txid, (JsonNode)new TextNode(answer));
        }
        catch (final ElectrumException ex)
        {
            assertThat(ex.kind()).isEqualTo(ElectrumException.Kind.PROTOCOL);
            assertThat(ex.getMessage()).as("message of %s", ex).isNotBlank().doesNotContain("\n", "\r");
            return;
        }
        assertThat(tx.outputs()).isNotNull();
        assertThat(tx.memo()).hasSizeLessThanOrEqualTo(200);
        assertThat(tx.memo().chars().noneMatch(Character::isISOControl)).as("memo %s", tx.memo()).isTrue();
        for (final TransactionFetcher.Output output : tx.outputs())
        {
            assertThat(output.script()).isNotNull();
        }
    }
}
