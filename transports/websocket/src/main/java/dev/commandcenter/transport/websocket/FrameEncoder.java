package dev.commandcenter.transport.websocket;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import io.netty.buffer.CompositeByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelOutboundHandlerAdapter;
import io.netty.channel.ChannelPromise;
import io.netty.channel.embedded.EmbeddedChannel;
import io.netty.handler.codec.http.websocketx.BinaryWebSocketFrame;
import io.netty.handler.codec.http.websocketx.TextWebSocketFrame;
import io.netty.handler.codec.http.websocketx.WebSocket08FrameEncoder;
import io.netty.handler.codec.http.websocketx.WebSocketFrame;

/**
 * Encodes a rendered payload ONCE into the bytes of a whole server-to-client WebSocket frame, header included,
 * with Netty's own {@link WebSocket08FrameEncoder} (unmasked, as a server sends) running in an
 * {@link EmbeddedChannel} that belongs to the egress thread. Every client of an output is then written the same
 * bytes, and no frame encoder runs per write: the clients' pipelines pass a {@link ByteBuf} through untouched.
 * <p>
 * The encoder emits one buffer holding header and payload for small payloads, and a header buffer followed by
 * the payload itself for large ones; those two are joined in a {@link CompositeByteBuf}, so a frame is always
 * one buffer. A handler between the encoder and the head of the channel's pipeline takes what the encoder writes,
 * so nothing is queued in the channel's outbound buffer.
 * <p>
 * The frame handed to the encoder is one reused object per kind, whose payload is set for each call (the encoder
 * reads it and releases it), so encoding allocates no frame object.
 * <p>
 * <b>Note:</b> not thread safe; used by the egress thread, or under the egress lock.
 */
final class FrameEncoder implements AutoCloseable
{
    private final ByteBufAllocator allocator;
    private final EmbeddedChannel channel;
    private final ReusableTextFrame textFrame = new ReusableTextFrame();
    private final ReusableBinaryFrame binaryFrame = new ReusableBinaryFrame();
    private ByteBuf first;
    private ByteBuf second;

    /**
     * @param allocator for the frame buffers the encoder writes the header into.
     */
    FrameEncoder(final ByteBufAllocator allocator)
    {
        this.allocator = allocator;
        this.channel = new EmbeddedChannel(new Capture(), new WebSocket08FrameEncoder(false));
        channel.config().setAllocator(allocator);
    }

    /**
     * Encode a text frame.
     *
     * @param payload UTF-8 text; its reference passes to this method, whatever happens.
     * @return the frame, with one reference owned by the caller.
     */
    ByteBuf text(final ByteBuf payload)
    {
        textFrame.payload = payload;
        try
        {
            return encode(textFrame);
        }
        finally
        {
            textFrame.payload = null;
        }
    }

    /**
     * Encode a binary frame.
     *
     * @param payload the bytes; its reference passes to this method, whatever happens.
     * @return the frame, with one reference owned by the caller.
     */
    ByteBuf binary(final ByteBuf payload)
    {
        binaryFrame.payload = payload;
        try
        {
            return encode(binaryFrame);
        }
        finally
        {
            binaryFrame.payload = null;
        }
    }

    /**
     * Release anything left in the channel and close it.
     */
    public void close()
    {
        channel.finishAndReleaseAll();
    }

    private ByteBuf encode(final WebSocketFrame frame)
    {
        try
        {
            // The encoder releases the frame, having copied or retained its payload.
            channel.writeOneOutbound(frame, channel.voidPromise());
            channel.checkException();
            if (null == first)
            {
                throw new IllegalStateException("websocket frame encoder: no output for a " + frame.getClass().getSimpleName());
            }
            if (null == second)
            {
                final ByteBuf whole = first;
                first = null;
                return whole;
            }
            final CompositeByteBuf composite = allocator.compositeBuffer(2);
            composite.addComponents(true, first, second);
            first = null;
            second = null;
            return composite;
        }
        finally
        {
            if (null != first)
            {
                first.release();
                first = null;
            }
            if (null != second)
            {
                second.release();
                second = null;
            }
        }
    }

    /**
     * Takes the buffers the encoder writes: header and payload, or the two in turn.
     */
    private final class Capture extends ChannelOutboundHandlerAdapter
    {
        public void write(final ChannelHandlerContext ctx, final Object msg, final ChannelPromise promise)
        {
            final ByteBuf buffer = (ByteBuf)msg;
            if (null == first)
            {
                first = buffer;
            }
            else if (null == second)
            {
                second = buffer;
            }
            else
            {
                buffer.release();
                throw new IllegalStateException("websocket frame encoder: more than two buffers for one frame");
            }
        }
    }

    /**
     * A text frame whose payload is set for each encoding; its reference counting is its payload's. Reuse it only
     * once the encoder it was written to has released it (an encoder on the caller's thread does so at once).
     */
    static final class ReusableTextFrame extends TextWebSocketFrame
    {
        ByteBuf payload;

        ReusableTextFrame()
        {
            super(Unpooled.EMPTY_BUFFER);
        }

        public ByteBuf content()
        {
            return payload;
        }

        public int refCnt()
        {
            return payload.refCnt();
        }

        public TextWebSocketFrame retain()
        {
            payload.retain();
            return this;
        }

        public TextWebSocketFrame retain(final int increment)
        {
            payload.retain(increment);
            return this;
        }

        public TextWebSocketFrame touch()
        {
            return this;
        }

        public TextWebSocketFrame touch(final Object hint)
        {
            return this;
        }

        public boolean release()
        {
            return payload.release();
        }

        public boolean release(final int decrement)
        {
            return payload.release(decrement);
        }
    }

    /**
     * A binary frame whose payload is set for each encoding; its reference counting is its payload's. Reuse it
     * only once the encoder it was written to has released it (an encoder on the caller's thread does so at once).
     */
    static final class ReusableBinaryFrame extends BinaryWebSocketFrame
    {
        ByteBuf payload;

        ReusableBinaryFrame()
        {
            super(Unpooled.EMPTY_BUFFER);
        }

        public ByteBuf content()
        {
            return payload;
        }

        public int refCnt()
        {
            return payload.refCnt();
        }

        public BinaryWebSocketFrame retain()
        {
            payload.retain();
            return this;
        }

        public BinaryWebSocketFrame retain(final int increment)
        {
            payload.retain(increment);
            return this;
        }

        public BinaryWebSocketFrame touch()
        {
            return this;
        }

        public BinaryWebSocketFrame touch(final Object hint)
        {
            return this;
        }

        public boolean release()
        {
            return payload.release();
        }

        public boolean release(final int decrement)
        {
            return payload.release(decrement);
        }
    }
}
