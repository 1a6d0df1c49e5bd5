package dev.hoop.agent.postgres;

import dev.hoop.agent.exec.ProcessOutput;
import dev.hoop.common.pgwire.FrontendMessages;
import dev.hoop.common.pgwire.PgBuffer;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import java.nio.charset.StandardCharsets;
import java.util.function.IntConsumer;

/**
 * The stage after authentication for exec: waits for ReadyForQuery, sends the whole script as one
 * simple-protocol Query, and prints what comes back as psql would (tables, command tags, notices,
 * the first error), then ends the connection and reports the exit code: 0, or 1 after an error
 * (the server runs no statement after the first failing one). Backpressure: the server channel is
 * read again only after the transport took what the last read produced.
 */
final class ScriptRunner extends ChannelInboundHandlerAdapter {
    /** Rows rendered per batch: a result is never held whole (psql's FETCH_COUNT, in effect). */
    static final int BATCH_ROWS = 1000;
    /** Messages of an exec result larger than this end the script (a row must fit in memory). */
    private static final int MAX_MESSAGE = 256 * 1024 * 1024;
    static final String COPY_IN_REFUSED = "COPY FROM STDIN is not supported by hoop exec (the script is the input);"
            + " load data through 'hoop connect' with psql's \\copy or a client library";

    private enum State { WAITING_FOR_READY, RUNNING, FINISHED }

    private final String script;
    private final String serverAddress;
    private final ProcessOutput out;
    private final IntConsumer exited;
    private final ScriptOutput printed = new ScriptOutput();
    private ByteBuf cumulation = Unpooled.EMPTY_BUFFER;
    private State state = State.WAITING_FOR_READY;
    private AlignedTable table;
    private int exitCode;
    /** COPY … TO STDOUT: psql prints the data, not the command tag. */
    private boolean copyingOut;

    /** @param exited called once with the exit code, after the last output was taken */
    ScriptRunner(String script, String serverAddress, ProcessOutput out, IntConsumer exited) {
        this.script = script;
        this.serverAddress = serverAddress;
        this.out = out;
        this.exited = exited;
    }

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) {
        ByteBuf in = (ByteBuf) msg;
        if (state == State.FINISHED) {
            in.release();
            return;
        }
        cumulation = cumulation.isReadable() ? Unpooled.wrappedBuffer(cumulation, in) : swap(in);
        while (state != State.FINISHED && cumulation.readableBytes() >= 5) {
            int start = cumulation.readerIndex();
            int length = cumulation.getInt(start + 1);
            if (length < 4 || length > MAX_MESSAGE) {
                printed.stderr("hoop: the database server at " + serverAddress + " sent a message of length " + length
                        + "; ending the script\n");
                exitCode = SqlScript.EXIT_CONNECTION;
                state = State.FINISHED;
                break;
            }
            if (cumulation.readableBytes() < 1 + length) {
                break;
            }
            char type = (char) cumulation.readByte();
            cumulation.skipBytes(4);
            byte[] body = new byte[length - 4];
            cumulation.readBytes(body);
            handle(ctx, type, body);
        }
        if (!cumulation.isReadable()) {
            cumulation.release();
            cumulation = Unpooled.EMPTY_BUFFER;
        } else if (cumulation.readerIndex() > 0 && cumulation.readerIndex() >= cumulation.capacity() / 2) {
            cumulation.discardReadBytes();
        }
        printed.sendTo(out).whenComplete((ok, error) -> {
            if (ctx.executor().inEventLoop()) {
                afterSend(ctx, error);
            } else {
                ctx.executor().execute(() -> afterSend(ctx, error));
            }
        });
    }

    private ByteBuf swap(ByteBuf in) {
        cumulation.release();
        return in;
    }

    private void afterSend(ChannelHandlerContext ctx, Throwable error) {
        if (error != null) {
            // The session is gone: nobody reads the output any more.
            state = State.FINISHED;
            ctx.close();
        } else if (state == State.FINISHED) {
            ctx.writeAndFlush(Unpooled.wrappedBuffer(FrontendMessages.terminate())).addListener(ChannelFutureListener.CLOSE);
            exited.accept(exitCode);
        } else {
            ctx.read();
        }
    }

    private void handle(ChannelHandlerContext ctx, char type, byte[] body) {
        switch (type) {
            case 'Z' -> {
                if (state == State.WAITING_FOR_READY) {
                    state = State.RUNNING;
                    ctx.writeAndFlush(Unpooled.wrappedBuffer(FrontendMessages.query(script)));
                } else {
                    state = State.FINISHED;
                }
            }
            case 'T' -> table = rowDescription(body);
            case 'D' -> {
                if (table != null) {
                    table.add(dataRow(body));
                    if (table.buffered() >= BATCH_ROWS) {
                        flushTable();
                    }
                }
            }
            case 'C' -> commandComplete(new PgBuffer(body, "CommandComplete").cstring());
            case 'E' -> {
                if (state == State.WAITING_FOR_READY) {
                    // e.g. a database that does not exist: refused after AuthenticationOk
                    printed.stderr("hoop: connection to the database server at " + serverAddress + " failed: "
                            + PsqlMessages.render(body, null, true));
                    exitCode = SqlScript.EXIT_CONNECTION;
                    state = State.FINISHED;
                    return;
                }
                table = null; // psql shows no part of a failed result (what a batch printed stays)
                exitCode = SqlScript.EXIT_ERROR;
                printed.stderr(PsqlMessages.render(body, script, true));
            }
            case 'H' -> copyingOut = true;
            case 'N' -> printed.stderr(PsqlMessages.render(body, script, false));
            case 'd' -> printed.stdout(body); // COPY … TO STDOUT: the data as is
            case 'G' -> ctx.writeAndFlush(Unpooled.wrappedBuffer(copyFail(COPY_IN_REFUSED)));
            default -> { } // AuthenticationOk, ParameterStatus, BackendKeyData, EmptyQuery, CopyOut/Done, notifications
        }
    }

    private void flushTable() {
        StringBuilder text = new StringBuilder();
        table.flush(text);
        printed.stdout(text.toString());
    }

    private void commandComplete(String tag) {
        if (table != null) {
            StringBuilder text = new StringBuilder();
            table.finish(text);
            printed.stdout(text.toString());
            table = null;
            // As psql: a result with rows shows its tag only for INSERT/UPDATE/DELETE/MERGE … RETURNING.
            if (tag.startsWith("INSERT") || tag.startsWith("UPDATE") || tag.startsWith("DELETE") || tag.startsWith("MERGE")) {
                printed.stdout(tag + "\n");
            }
        } else if (copyingOut) {
            copyingOut = false;
        } else {
            printed.stdout(tag + "\n");
        }
    }

    private static AlignedTable rowDescription(byte[] body) {
        int count = int16(body, 0);
        String[] names = new String[count];
        boolean[] right = new boolean[count];
        int p = 2;
        for (int i = 0; i < count; i++) {
            int end = p;
            while (body[end] != 0) {
                end++;
            }
            names[i] = new String(body, p, end - p, StandardCharsets.UTF_8);
            p = end + 1;
            int typeOid = int32(body, p + 6);
            right[i] = rightAligned(typeOid);
            p += 18;
        }
        return new AlignedTable(names, right);
    }

    /** psql right-aligns the numeric types (its column_type_alignment). */
    private static boolean rightAligned(int typeOid) {
        return switch (typeOid) {
            case 20, 21, 23, 26, 28, 29, 700, 701, 790, 1700, 5069 -> true; // int8 int2 int4 oid xid cid float4 float8 money numeric xid8
            default -> false;
        };
    }

    private static String[] dataRow(byte[] body) {
        int count = int16(body, 0);
        String[] values = new String[count];
        int p = 2;
        for (int i = 0; i < count; i++) {
            int length = int32(body, p);
            p += 4;
            if (length >= 0) {
                values[i] = new String(body, p, length, StandardCharsets.UTF_8);
                p += length;
            }
        }
        return values;
    }

    private static byte[] copyFail(String reason) {
        byte[] text = reason.getBytes(StandardCharsets.UTF_8);
        int length = 4 + text.length + 1;
        byte[] m = new byte[1 + length];
        m[0] = (byte) FrontendMessages.COPY_FAIL;
        m[1] = (byte) (length >>> 24);
        m[2] = (byte) (length >>> 16);
        m[3] = (byte) (length >>> 8);
        m[4] = (byte) length;
        System.arraycopy(text, 0, m, 5, text.length);
        return m;
    }

    private static int int16(byte[] b, int i) {
        return (b[i] & 0xff) << 8 | (b[i + 1] & 0xff);
    }

    private static int int32(byte[] b, int i) {
        return (b[i] & 0xff) << 24 | (b[i + 1] & 0xff) << 16 | (b[i + 2] & 0xff) << 8 | (b[i + 3] & 0xff);
    }

    @Override
    public void channelInactive(ChannelHandlerContext ctx) {
        if (state != State.FINISHED) {
            state = State.FINISHED;
            printed.stderr("hoop: the database server at " + serverAddress + " closed the connection unexpectedly\n");
            printed.sendTo(out).whenComplete((ok, error) -> exited.accept(2));
        }
    }

    @Override
    public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
        if (state != State.FINISHED) {
            state = State.FINISHED;
            printed.stderr("hoop: the connection to the database server at " + serverAddress + " failed: "
                    + ServerConnection.describe(cause) + "\n");
            printed.sendTo(out).whenComplete((ok, error) -> exited.accept(2));
        }
        ctx.close();
    }

    @Override
    public void handlerRemoved(ChannelHandlerContext ctx) {
        cumulation.release();
        cumulation = Unpooled.EMPTY_BUFFER;
    }
}
