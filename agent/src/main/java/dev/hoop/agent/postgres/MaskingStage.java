package dev.hoop.agent.postgres;

import dev.hoop.agent.dlp.TextMasker;
import dev.hoop.common.pgwire.ErrorResponse;
import dev.hoop.common.pgwire.FrontendFramer;
import dev.hoop.common.pgwire.StartupPacket;
import io.netty.buffer.ByteBuf;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The data masking stage of a server connection (server → client direction), just before the
 * relay or the exec script runner: it frames the server's bytes into messages, hands the ones that
 * may carry values to {@link ResultMasking} whole, streams the others through, and passes on one
 * buffer per read (possibly empty: the next stage then asks for the next read, keeping the
 * backpressure of the relay).
 *
 * <p>Fails closed: when masking is impossible or throws, what was not yet passed on is dropped,
 * a FATAL ErrorResponse goes on instead and the server connection closes. The message never holds
 * a value from the result (a masker's exception text could, so it is neither sent nor logged).
 *
 * <p>The client's messages reach it through {@link #fromClient} (on the same event loop), so that
 * extended-protocol rows can be attributed to their columns.
 *
 * <p>A remote masker (Google DLP) blocks on the network, so with one the stage does its work off
 * the event loop, on a virtual thread, one task at a time in arrival order (server reads and the
 * client's messages alike), and hands each result back to the loop; the DataRows and the free texts
 * (COPY rows, notices, errors, notifications) of a read are masked in a few calls, not one each
 * ({@link RemoteBatch}). The relay asks for the next read only after it got the result, so
 * backpressure holds.
 */
final class MaskingStage extends ChannelInboundHandlerAdapter {
    private static final Logger log = LoggerFactory.getLogger(MaskingStage.class);
    /** The largest message examined whole (a row, a COPY line, a notice); a larger one is refused. */
    static final int MAX_EXAMINED_BYTES = 64 * 1024 * 1024;
    /** The largest client message followed (Bind with its parameters); a larger one makes its rows unattributable. */
    static final int MAX_FOLLOWED_BYTES = 16 * 1024 * 1024;

    private final ResultMasking masking;
    private final String connectionName;
    private final FrontendFramer clientFramer;
    private final byte[] header = new byte[5];
    private int headerFilled;
    private char type;
    /** The body being collected (examined messages), or null while streaming one through. */
    private byte[] body;
    private int bodyFilled;
    /** Body bytes still to stream through (messages not examined). */
    private int passing;
    private volatile boolean failed;
    /** Remote masker: the tasks run in this order, off the loop ({@link #later}). */
    private final boolean remote;
    private java.util.concurrent.CompletableFuture<Void> tail = java.util.concurrent.CompletableFuture.completedFuture(null);
    /** Remote masker: the read's messages waiting to be masked together, in order. */
    private final RemoteBatch batch;
    private static final java.util.concurrent.Executor OFF_LOOP = java.util.concurrent.Executors.newVirtualThreadPerTaskExecutor();

    MaskingStage(TextMasker masker, boolean hasColumnRules, String connectionName) {
        this.masking = new ResultMasking(masker, hasColumnRules);
        this.remote = masker.remote();
        this.batch = new RemoteBatch(masker);
        this.connectionName = connectionName;
        this.clientFramer = new FrontendFramer(new ClientMessages(), MAX_FOLLOWED_BYTES, false);
    }

    /** Client bytes (typed messages, after the startup) on their way to the server. */
    void fromClient(byte[] bytes) {
        if (remote) {
            later(() -> {
                if (!failed) {
                    clientFramer.feed(bytes);
                }
            });
        } else if (!failed) {
            clientFramer.feed(bytes);
        }
    }

    /** Runs after every task queued before it, off the event loop; called on the loop only. */
    private void later(Runnable task) {
        tail = tail.thenRunAsync(() -> {
            try {
                task.run();
            } catch (RuntimeException | Error e) {
                failed = true; // never leaves the chain broken: what follows is dropped instead
                log.error("postgres connection '{}': masking task failed with {}", connectionName, e.getClass().getName());
            }
        }, OFF_LOOP);
    }

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) {
        ByteBuf in = (ByteBuf) msg;
        if (remote) {
            later(() -> read(ctx, in));
        } else {
            read(ctx, in);
        }
    }

    private void read(ChannelHandlerContext ctx, ByteBuf in) {
        if (failed) {
            in.release();
            return;
        }
        ByteBuf out = ctx.alloc().heapBuffer(in.readableBytes() + 64);
        try {
            feed(in, out);
            batch.writeTo(out);
        } catch (MaskingRefusal e) {
            refuse(ctx, in, out, e.sqlState, e.getMessage());
            return;
        } catch (dev.hoop.agent.dlp.MaskingUnavailableException e) {
            // Its message names the provider's failure and never quotes data.
            log.warn("postgres connection '{}': {}", connectionName, e.getMessage());
            refuse(ctx, in, out, "58000", e.getMessage());
            return;
        } catch (RuntimeException e) {
            // Not e's message: it may quote the value being masked.
            log.warn("postgres connection '{}': masking failed with {} at {}; the result was withheld", connectionName,
                    e.getClass().getName(), e.getStackTrace().length > 0 ? e.getStackTrace()[0] : "?");
            refuse(ctx, in, out, "XX000", "hoop could not mask this result (" + e.getClass().getSimpleName()
                    + "); it was withheld");
            return;
        }
        in.release();
        onLoop(ctx, () -> ctx.fireChannelRead(out));
    }

    private void onLoop(ChannelHandlerContext ctx, Runnable r) {
        if (ctx.executor().inEventLoop()) {
            r.run();
        } else {
            ctx.executor().execute(r);
        }
    }

    private void refuse(ChannelHandlerContext ctx, ByteBuf in, ByteBuf out, String sqlState, String message) {
        failed = true;
        batch.clear();
        in.release();
        out.release();
        log.info("postgres connection '{}': masking refused a result: {}", connectionName, message);
        byte[] error = ErrorResponse.fatal(sqlState, "data masking: " + message,
                "The connection masks sensitive data; the result was not sent.").encode();
        onLoop(ctx, () -> {
            ctx.fireChannelRead(ctx.alloc().heapBuffer().writeBytes(error));
            ctx.close();
        });
    }

    private void feed(ByteBuf in, ByteBuf out) {
        while (in.isReadable()) {
            if (passing > 0) {
                int n = Math.min(passing, in.readableBytes());
                if (batch.isEmpty()) {
                    out.writeBytes(in, n);
                } else {
                    byte[] bytes = new byte[n];
                    in.readBytes(bytes);
                    batch.ready(bytes);
                }
                passing -= n;
            } else if (body != null) {
                int n = Math.min(body.length - bodyFilled, in.readableBytes());
                in.readBytes(body, bodyFilled, n);
                bodyFilled += n;
                if (bodyFilled == body.length) {
                    byte[] whole = body;
                    body = null;
                    emit(out, whole);
                }
            } else {
                header[headerFilled++] = in.readByte();
                if (headerFilled == header.length) {
                    headerFilled = 0;
                    startMessage(out);
                }
            }
        }
    }

    private void startMessage(ByteBuf out) {
        type = (char) (header[0] & 0xFF);
        int length = ((header[1] & 0xFF) << 24) | ((header[2] & 0xFF) << 16) | ((header[3] & 0xFF) << 8) | (header[4] & 0xFF);
        if (length < 4) {
            throw new MaskingRefusal("08P01", "the server sent a message of length " + length);
        }
        int bodyLength = length - 4;
        if (!ResultMasking.examines(type)) {
            if (batch.isEmpty()) {
                out.writeBytes(header);
            } else {
                batch.ready(header.clone());
            }
            passing = bodyLength;
            return;
        }
        if (bodyLength > MAX_EXAMINED_BYTES) {
            throw new MaskingRefusal("54000", "a message of " + bodyLength + " bytes (type " + type + ") exceeds the "
                    + (MAX_EXAMINED_BYTES >> 20) + " MiB that masking examines");
        }
        body = new byte[bodyLength];
        bodyFilled = 0;
        if (bodyLength == 0) {
            body = null;
            emit(out, new byte[0]);
        }
    }

    private void emit(ByteBuf out, byte[] whole) {
        if (remote && type == 'D') {
            batch.row(masking.row(whole));
            return;
        }
        if (remote && FreeTextMasking.carriesText(type)) {
            FreeTextMasking.Texts texts = masking.texts(type, whole);
            if (texts != null) {
                batch.texts(texts);
                return;
            }
            write(out, MessageBytes.message(type, whole));
            return;
        }
        byte[] replaced = masking.server(type, whole);
        if (replaced != null) {
            write(out, replaced);
        } else if (batch.isEmpty()) {
            out.writeBytes(header).writeBytes(whole);
        } else {
            batch.ready(MessageBytes.message(type, whole));
        }
    }

    /** Bytes to pass on: after what waits in the batch, if anything does (remote masker only). */
    private void write(ByteBuf out, byte[] bytes) {
        if (batch.isEmpty()) {
            out.writeBytes(bytes);
        } else {
            batch.ready(bytes);
        }
    }

    /** The client's messages, for {@link ResultMasking#client}. */
    private final class ClientMessages implements FrontendFramer.Listener {
        @Override
        public boolean capture(char type, int bodyLength) {
            return ResultMasking.follows(type);
        }

        @Override
        public void message(char type, byte[] body) {
            masking.client(type, body);
        }

        @Override
        public void oversized(char type, int bodyLength) {
            masking.clientUnreadable(type);
        }

        @Override
        public void raw(byte[] bytes, int offset, int length) {
        }

        @Override
        public void startupPacket(StartupPacket packet) {
        }

        @Override
        public void malformed(String reason) {
            masking.clientUnreadable('?');
        }
    }
}
