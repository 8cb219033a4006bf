package dev.commandcenter.codecs.json;

import com.fasterxml.jackson.core.JsonEncoding;
import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.core.StreamWriteFeature;
import dev.commandcenter.codecs.MessageSchema;
import org.agrona.DirectBuffer;
import org.agrona.concurrent.UnsafeBuffer;
import org.junit.jupiter.api.Test;
import uk.co.real_logic.sbe.ir.Ir;
import uk.co.real_logic.sbe.ir.Token;
import uk.co.real_logic.sbe.otf.OtfHeaderDecoder;
import uk.co.real_logic.sbe.otf.OtfMessageDecoder;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.io.StringWriter;
import java.lang.management.ManagementFactory;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.SplittableRandom;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The allocation-free rendering of {@link JsonView.FieldWriter} against the rendering it replaced
 * ({@link LegacyJsonTokenListener}), over random messages of every type in the schema.
 */
class JsonViewRenderingTest
{
    private static final JsonFactory JSON_FACTORY = JsonFactory.builder()
        .disable(StreamWriteFeature.AUTO_CLOSE_TARGET)
        .build();
    private static final String TEXT_CHARS = "abc XYZ 019 \"\\/\t\n\u0001\u001f\u007f\u00e9\u00df\u2728\u20ac\ud83d\ude80";
    private static final int MESSAGES_PER_TYPE = 300;

    private final Ir ir = MessageSchema.ir();
    private final JsonView view = JsonView.instance();
    private final OtfHeaderDecoder headerDecoder = new OtfHeaderDecoder(ir.headerStructure());
    private final UnsafeBuffer buffer = new UnsafeBuffer(new byte[1 << 20]);
    private final SplittableRandom random = new SplittableRandom(20261201L);

    @Test
    void shouldRenderEveryMessageTypeExactlyAsBefore() throws IOException
    {
        final JsonView.FieldWriter writer = view.fieldWriter();
        final ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        int rendered = 0;
        for (final List<Token> tokens : ir.messages())
        {
            for (int i = 0; i < MESSAGES_PER_TYPE; i++)
            {
                writeRandomMessage(tokens, i % 3 == 0);
                final String name = tokens.get(0).name();

                assertThat(view.toJson(buffer, 0)).as("%s through a Writer", name).isEqualTo(legacyToJson(buffer, 0));

                bytes.reset();
                try (JsonGenerator generator = JSON_FACTORY.createGenerator(bytes, JsonEncoding.UTF8))
                {
                    generator.writeStartObject();
                    writer.writeFields(buffer, 0, generator);
                    generator.writeEndObject();
                }
                assertThat(bytes.toString(StandardCharsets.UTF_8)).as("%s as UTF-8", name)
                    .isEqualTo(legacyToUtf8(buffer, 0));
                rendered++;
            }
        }
        assertThat(rendered).isEqualTo(ir.messages().size() * MESSAGES_PER_TYPE);
    }

    @Test
    void shouldRenderMalformedUtf8AsTheStringConstructorDecodesIt() throws IOException
    {
        final byte[][] samples = {
            { (byte)0xC3 }, { (byte)0xC3, 0x28 }, { (byte)0xE2, (byte)0x82 }, { (byte)0xF0, (byte)0x9F, (byte)0x98 },
            { (byte)0xED, (byte)0xA0, (byte)0x80 }, { (byte)0xC0, (byte)0xAF }, { (byte)0xFF, 'a', (byte)0xFE },
            { 'o', 'k', (byte)0xF4, (byte)0x90, (byte)0x80, (byte)0x80 } };
        final List<Token> chat = messageTokens("ChatMessage");
        for (final byte[] sample : samples)
        {
            final int length = view.fromJson("{\"type\":\"ChatMessage\",\"text\":\"" + "x".repeat(sample.length) + "\"}",
                buffer, 0);
            buffer.putBytes(length - sample.length, sample);

            final String json = view.toJson(buffer, 0);
            assertThat(json).isEqualTo(legacyToJson(buffer, 0));
            final ByteArrayOutputStream bytes = new ByteArrayOutputStream();
            try (JsonGenerator generator = JSON_FACTORY.createGenerator(bytes, JsonEncoding.UTF8))
            {
                generator.writeStartObject();
                view.fieldWriter().writeFields(buffer, 0, generator);
                generator.writeEndObject();
            }
            assertThat(bytes.toString(StandardCharsets.UTF_8)).isEqualTo(legacyToUtf8(buffer, 0));
            assertThat(json).contains("\"text\":\"" +
                new String(sample, StandardCharsets.UTF_8).replace("\"", "\\\"") + "\"");
        }
        assertThat(chat).isNotEmpty();
    }

    @Test
    void shouldRenderWithoutAllocatingOnceWarm() throws IOException
    {
        final com.sun.management.ThreadMXBean threads = (com.sun.management.ThreadMXBean)ManagementFactory.getThreadMXBean();
        final JsonView.FieldWriter writer = view.fieldWriter();
        final JsonGenerator generator = JSON_FACTORY.createGenerator(OutputStream.nullOutputStream(), JsonEncoding.UTF8);
        generator.setRootValueSeparator(null);
        final int length = view.fromJson("{\"type\":\"TransactionReceived\",\"amountSats\":12345,\"txid\":\"" +
            "4a5e1e4baab89f3a32518a88c31bc87f618f76673e2cc77ab2127b7afdeda33b\",\"address\":\"bc1qxy2kgdygjrsqtzq\"," +
            "\"memo\":\"gg \u2728 caf\u00e9\"}", buffer, 0);
        assertThat(length).isPositive();
        final int renders = 20_000;
        for (int i = 0; i < renders; i++)
        {
            render(writer, generator);
        }

        final long before = threads.getCurrentThreadAllocatedBytes();
        for (int i = 0; i < renders; i++)
        {
            render(writer, generator);
        }
        final long allocated = threads.getCurrentThreadAllocatedBytes() - before;

        assertThat(allocated).as("bytes allocated by %d renders", renders).isLessThan(renders);
    }

    private void render(final JsonView.FieldWriter writer, final JsonGenerator generator) throws IOException
    {
        generator.writeStartObject();
        writer.writeFields(buffer, 0, generator);
        generator.writeEndObject();
        generator.flush();
    }

    private List<Token> messageTokens(final String name)
    {
        for (final List<Token> tokens : ir.messages())
        {
            if (tokens.get(0).name().equals(name))
            {
                return tokens;
            }
        }
        throw new AssertionError("no message " + name);
    }

    /**
     * The JSON as {@link JsonView#toJson(DirectBuffer, int)} rendered it before, with the old listener.
     */
    private String legacyToJson(final DirectBuffer buffer, final int offset) throws IOException
    {
        final StringWriter out = new StringWriter();
        try (JsonGenerator generator = JSON_FACTORY.createGenerator(out))
        {
            legacyRender(buffer, offset, generator);
        }
        return out.toString();
    }

    /**
     * The JSON as a UTF-8 generator (the web renderer's) wrote it before, with the old listener.
     */
    private String legacyToUtf8(final DirectBuffer buffer, final int offset) throws IOException
    {
        final ByteArrayOutputStream out = new ByteArrayOutputStream();
        try (JsonGenerator generator = JSON_FACTORY.createGenerator(out, JsonEncoding.UTF8))
        {
            legacyRender(buffer, offset, generator);
        }
        return out.toString(StandardCharsets.UTF_8);
    }

    private void legacyRender(final DirectBuffer buffer, final int offset, final JsonGenerator generator)
        throws IOException
    {
        generator.writeStartObject();
        final int templateId = headerDecoder.getTemplateId(buffer, offset);
        final List<Token> tokens = messageTokens(view.messageName(templateId));
        generator.writeStringField(JsonView.TYPE_FIELD, tokens.get(0).name());
        final LegacyJsonTokenListener listener = new LegacyJsonTokenListener(generator);
        OtfMessageDecoder.decode(buffer, offset + headerDecoder.encodedLength(),
            headerDecoder.getSchemaVersion(buffer, offset), headerDecoder.getBlockLength(buffer, offset), tokens,
            listener);
        listener.rethrow();
        generator.writeEndObject();
    }

    /**
     * Write a message of random content at offset 0: random bytes for every fixed field (numbers, enums, character
     * arrays, hex), up to three entries per group, and var data of random text or, when asked, random bytes.
     */
    private void writeRandomMessage(final List<Token> tokens, final boolean rawVarData)
    {
        final Token begin = tokens.get(0);
        final ByteOrder order = ir.byteOrder();
        buffer.putShort(0, (short)begin.encodedLength(), order);
        buffer.putShort(2, (short)begin.id(), order);
        buffer.putShort(4, (short)ir.id(), order);
        buffer.putShort(6, (short)ir.version(), order);
        writeBlock(tokens, 1, tokens.size() - 1, headerDecoder.encodedLength(), begin.encodedLength(), rawVarData);
    }

    private int writeBlock(
        final List<Token> tokens,
        final int from,
        final int to,
        final int blockOffset,
        final int blockLength,
        final boolean rawVarData)
    {
        for (int i = 0; i < blockLength; i++)
        {
            buffer.putByte(blockOffset + i, (byte)random.nextInt(256));
        }
        final ByteOrder order = ir.byteOrder();
        int position = blockOffset + blockLength;
        int i = from;
        while (i < to)
        {
            final Token token = tokens.get(i);
            switch (token.signal())
            {
                case BEGIN_GROUP ->
                {
                    final Token dimension = tokens.get(i + 1);
                    final int count = random.nextInt(4);
                    buffer.putShort(position, (short)token.encodedLength(), order);
                    buffer.putShort(position + 2, (short)count, order);
                    int next = position + dimension.encodedLength();
                    final int fieldsFrom = i + 1 + dimension.componentTokenCount();
                    final int fieldsTo = i + token.componentTokenCount() - 1;
                    for (int k = 0; k < count; k++)
                    {
                        next = writeBlock(tokens, fieldsFrom, fieldsTo, next, token.encodedLength(), rawVarData);
                    }
                    position = next;
                    i += token.componentTokenCount();
                }
                case BEGIN_VAR_DATA ->
                {
                    final Token lengthToken = tokens.get(i + 2);
                    final byte[] data = rawVarData ? randomBytes() : randomText().getBytes(StandardCharsets.UTF_8);
                    assertThat(lengthToken.encodedLength()).isEqualTo(4);
                    buffer.putInt(position, data.length, order);
                    buffer.putBytes(position + 4, data);
                    position += 4 + data.length;
                    i += token.componentTokenCount();
                }
                case BEGIN_FIELD -> i += token.componentTokenCount();
                default -> i++;
            }
        }
        return position;
    }

    private byte[] randomBytes()
    {
        final byte[] bytes = new byte[random.nextInt(40)];
        random.nextBytes(bytes);
        return bytes;
    }

    private String randomText()
    {
        final int length = 0 == random.nextInt(10) ? random.nextInt(2000) : random.nextInt(40);
        final StringBuilder text = new StringBuilder(length);
        while (text.length() < length)
        {
            final int index = random.nextInt(TEXT_CHARS.length());
            final char c = TEXT_CHARS.charAt(index);
            if (Character.isHighSurrogate(c))
            {
                text.append(c).append(TEXT_CHARS.charAt(index + 1));
            }
            else if (!Character.isLowSurrogate(c))
            {
                text.append(c);
            }
        }
        return text.toString();
    }
}
