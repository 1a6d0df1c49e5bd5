package dev.hoop.common.pgwire;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/**
 * Finds the results of statements in the server-to-client byte stream, whatever the chunk
 * boundaries: CommandComplete (the command tag, e.g. {@code SELECT 3}), EmptyQueryResponse,
 * ErrorResponse and ReadyForQuery. Every other message (row data, COPY data, notices) is skipped
 * by its length without being buffered, so memory stays bounded whatever the server sends. The
 * single-byte answers to SSLRequest / GSSENCRequest that may precede the first message are
 * skipped. Not thread-safe: one feeder.
 */
public final class BackendResults {
    /** What the stream said about a statement. */
    public sealed interface Result {
        /** CommandComplete: the statement ran; {@code tag} as the server wrote it. */
        record Complete(String tag) implements Result {
            /** The rows the tag counts ({@code SELECT 3}, {@code INSERT 0 5}, {@code UPDATE 2}…), or -1 when it counts none. */
            public long rows() {
                int space = tag.lastIndexOf(' ');
                if (space < 0) {
                    return -1;
                }
                try {
                    return Long.parseLong(tag.substring(space + 1));
                } catch (NumberFormatException e) {
                    return -1;
                }
            }
        }

        /** EmptyQueryResponse: the query string was empty. */
        record Empty() implements Result {}

        /** ErrorResponse; {@code error} is null when it could not be decoded, then {@code undecoded} says why. */
        record Failed(ErrorResponse error, String undecoded) implements Result {
            public String describe() {
                return error == null ? undecoded : error.severity() + " " + error.sqlState() + ": " + error.message();
            }
        }

        /** ReadyForQuery: the server finished what was sent before (a simple query, or up to a Sync). */
        record Ready(char transactionStatus) implements Result {}
    }

    /** Longest command tag kept (tags are a word and a count or two). */
    static final int TAG_BYTES = 1024;
    /** Longest ErrorResponse decoded; a longer one is reported by its length. */
    static final int ERROR_BYTES = 16 * 1024;

    private enum State { START, HEADER, CAPTURE, SKIP }

    private State state = State.START;
    private final byte[] header = new byte[5];
    private int headerFilled;
    private char type;
    private long remaining;
    private byte[] body;
    private int bodyFilled;
    private int bodyLength;

    /** @param startupPhase true when the stream starts at the connection's first byte (encryption answers may come first) */
    public BackendResults(boolean startupPhase) {
        this.state = startupPhase ? State.START : State.HEADER;
    }

    public List<Result> feed(byte[] chunk) {
        return feed(ByteBuffer.wrap(chunk));
    }

    public List<Result> feed(byte[] chunk, int offset, int length) {
        return feed(ByteBuffer.wrap(chunk, offset, length));
    }

    /**
     * Reads the buffer's remaining bytes (its position is not moved). Bytes of skipped messages are
     * not even read: a relayed payload is parsed without a copy ({@code ByteString.asReadOnlyByteBuffer()}).
     */
    public List<Result> feed(ByteBuffer chunk) {
        List<Result> out = new ArrayList<>(0);
        int p = chunk.position();
        int end = chunk.limit();
        while (p < end) {
            switch (state) {
                case START -> {
                    if (chunk.get(p) == BackendMessages.ENCRYPTION_REFUSED) {
                        p++; // the answer to an SSLRequest or GSSENCRequest: one byte, no length
                    } else {
                        state = State.HEADER;
                    }
                }
                case HEADER -> {
                    int n = Math.min(5 - headerFilled, end - p);
                    chunk.get(p, header, headerFilled, n);
                    headerFilled += n;
                    p += n;
                    if (headerFilled == 5) {
                        headerFilled = 0;
                        begin(out);
                    }
                }
                case CAPTURE -> {
                    int n = (int) Math.min(remaining, end - p);
                    int keep = Math.min(n, body.length - bodyFilled);
                    chunk.get(p, body, bodyFilled, keep);
                    bodyFilled += keep;
                    p += n;
                    remaining -= n;
                    if (remaining == 0) {
                        state = State.HEADER;
                        out.add(finish());
                    }
                }
                case SKIP -> {
                    int n = (int) Math.min(remaining, end - p);
                    p += n;
                    remaining -= n;
                    if (remaining == 0) {
                        state = State.HEADER;
                    }
                }
            }
        }
        return out;
    }

    private void begin(List<Result> out) {
        type = (char) (header[0] & 0xff);
        int length = ((header[1] & 0xff) << 24) | ((header[2] & 0xff) << 16) | ((header[3] & 0xff) << 8) | (header[4] & 0xff);
        remaining = length - 4;
        if (remaining < 0) {
            remaining = 0; // a broken stream: the client will fail on it; keep reading headers
        }
        bodyLength = (int) Math.min(remaining, Integer.MAX_VALUE);
        int limit = switch (type) {
            case 'C' -> TAG_BYTES;
            case ErrorResponse.TYPE -> ERROR_BYTES;
            case 'Z' -> 1;
            case 'I' -> 0;
            default -> -1;
        };
        if (limit < 0) {
            state = remaining == 0 ? State.HEADER : State.SKIP;
            return;
        }
        body = new byte[(int) Math.min(remaining, limit)];
        bodyFilled = 0;
        if (remaining == 0) {
            out.add(finish());
        } else {
            state = State.CAPTURE;
        }
    }

    private Result finish() {
        byte[] b = body;
        body = null;
        return switch (type) {
            case 'C' -> {
                int len = 0;
                while (len < b.length && b[len] != 0) {
                    len++;
                }
                yield new Result.Complete(new String(b, 0, len, StandardCharsets.UTF_8));
            }
            case 'Z' -> new Result.Ready(b.length == 0 ? '?' : (char) (b[0] & 0xff));
            case 'I' -> new Result.Empty();
            default -> {
                if (bodyLength > ERROR_BYTES) {
                    yield new Result.Failed(null, "an error of " + bodyLength + " bytes (not decoded)");
                }
                try {
                    yield new Result.Failed(ErrorResponse.decode(b), null);
                } catch (PgWireException | IllegalArgumentException e) {
                    yield new Result.Failed(null, "a malformed error (" + e.getMessage() + ")");
                }
            }
        };
    }
}
