package dev.hoop.common.pgwire;

import java.util.Arrays;
import java.util.Objects;

/**
 * Splits the client-to-server byte stream into messages, whatever the chunk boundaries: first the
 * untyped startup packets (SSLRequest, GSSENCRequest, CancelRequest, StartupMessage), then typed
 * messages (type byte, Int32 length counting itself, body).
 *
 * <p>Only the messages the listener asks for are buffered ({@link Listener#capture}), and only up to
 * {@code captureLimit} body bytes; a message the listener wants to read without buffering is handed
 * over piece by piece ({@link Listener#stream}); the bytes of every other message are handed on as
 * they arrive ({@link Listener#raw}), so COPY data and large statements cost no memory. Not
 * thread-safe: one feeder.
 */
public final class FrontendFramer {
    /** What the framer found, in stream order. */
    public interface Listener {
        /** A whole startup-phase packet. */
        void startupPacket(StartupPacket packet);

        /**
         * Whether to hand this typed message's body over as it arrives ({@link #bodyStart}, {@link
         * #body}, {@link #bodyEnd}); asked before {@link #capture}. Its header goes to {@link #raw}
         * like a relayed message's; its body reaches neither {@link #raw} nor {@link #message}: the
         * listener relays or rewrites it itself.
         */
        default boolean stream(char type, int bodyLength) {
            return false;
        }

        /** A streamed message begins; {@code bodyLength} bytes follow through {@link #body}. */
        default void bodyStart(char type, int bodyLength) {
        }

        /** The next bytes of a streamed message's body; valid only during the call. */
        default void body(byte[] bytes, int offset, int length) {
        }

        /** The streamed message's body is complete. */
        default void bodyEnd() {
        }

        /** Whether to buffer this typed message and deliver it to {@link #message}; otherwise its bytes go to {@link #raw}. */
        boolean capture(char type, int bodyLength);

        /** A captured message's body (after type and length). */
        void message(char type, byte[] body);

        /** Bytes of messages not captured, headers included, in order; valid only during the call. */
        void raw(byte[] bytes, int offset, int length);

        /** A message {@link #capture} wanted but larger than the limit: its bytes are dropped, not buffered. */
        void oversized(char type, int bodyLength);

        /** The stream broke the protocol; the framer ignores everything after this. */
        void malformed(String reason);
    }

    private enum State { STARTUP, HEADER, CAPTURE, STREAM, PASS, SKIP, DEAD }

    private final Listener listener;
    private final int captureLimit;
    private final byte[] header = new byte[5];
    private State state;
    private int headerFilled;
    private byte[] packet;
    private int packetFilled;
    private char type;
    private int remaining;
    private int runStart;

    /**
     * @param captureLimit the largest message body buffered for {@link Listener#message}
     * @param startupPhase true when the stream starts at the very first byte of a connection
     */
    public FrontendFramer(Listener listener, int captureLimit, boolean startupPhase) {
        this.listener = Objects.requireNonNull(listener, "listener");
        if (captureLimit < 0) {
            throw new IllegalArgumentException("captureLimit: " + captureLimit + " (expected: >= 0)");
        }
        this.captureLimit = captureLimit;
        this.state = startupPhase ? State.STARTUP : State.HEADER;
    }

    public boolean inStartupPhase() {
        return state == State.STARTUP;
    }

    /** True between typed messages: nothing of a message has been fed without its end. */
    public boolean atMessageBoundary() {
        return state == State.HEADER && headerFilled == 0;
    }

    public void feed(byte[] chunk) {
        feed(chunk, 0, chunk.length);
    }

    public void feed(byte[] chunk, int offset, int length) {
        Objects.checkFromIndexSize(offset, length, chunk.length);
        int p = offset;
        int end = offset + length;
        runStart = -1;
        while (p < end && state != State.DEAD) {
            switch (state) {
                case STARTUP -> p = readStartup(chunk, p, end);
                case HEADER -> p = readHeader(chunk, p, end);
                case CAPTURE -> {
                    int n = Math.min(remaining, end - p);
                    System.arraycopy(chunk, p, packet, packet.length - remaining, n);
                    p += n;
                    remaining -= n;
                    if (remaining == 0) {
                        byte[] body = packet;
                        packet = null;
                        state = State.HEADER;
                        listener.message(type, body);
                    }
                }
                case STREAM -> {
                    flushRun(chunk, p);
                    int n = Math.min(remaining, end - p);
                    p += n;
                    remaining -= n;
                    if (remaining == 0) {
                        state = State.HEADER;
                    }
                    listener.body(chunk, p - n, n);
                    if (remaining == 0) {
                        listener.bodyEnd();
                    }
                }
                case PASS -> {
                    int n = Math.min(remaining, end - p);
                    if (runStart < 0) {
                        runStart = p;
                    }
                    p += n;
                    remaining -= n;
                    if (remaining == 0) {
                        state = State.HEADER;
                    }
                }
                case SKIP -> {
                    int n = Math.min(remaining, end - p);
                    p += n;
                    remaining -= n;
                    if (remaining == 0) {
                        state = State.HEADER;
                    }
                }
                case DEAD -> { }
            }
        }
        flushRun(chunk, p);
    }

    private int readStartup(byte[] chunk, int p, int end) {
        if (packet == null) {
            int n = Math.min(4 - headerFilled, end - p);
            System.arraycopy(chunk, p, header, headerFilled, n);
            headerFilled += n;
            p += n;
            if (headerFilled < 4) {
                return p;
            }
            headerFilled = 0;
            int length = int32(header, 0);
            if (length < 8 || length > StartupPacket.MAX_LENGTH) {
                fail("startup packet length " + length + " (expected: 8 to " + StartupPacket.MAX_LENGTH + ")");
                return end;
            }
            packet = new byte[length];
            System.arraycopy(header, 0, packet, 0, 4);
            packetFilled = 4;
        }
        int n = Math.min(packet.length - packetFilled, end - p);
        System.arraycopy(chunk, p, packet, packetFilled, n);
        packetFilled += n;
        p += n;
        if (packetFilled == packet.length) {
            byte[] whole = packet;
            packet = null;
            StartupPacket decoded;
            try {
                decoded = StartupPacket.decode(whole);
            } catch (PgWireException e) {
                fail(e.getMessage());
                return end;
            }
            // SSL/GSS requests are followed by another startup packet; a cancel by nothing.
            state = switch (decoded) {
                case StartupPacket.StartupMessage m -> State.HEADER;
                case StartupPacket.CancelRequest c -> State.DEAD;
                default -> State.STARTUP;
            };
            listener.startupPacket(decoded);
        }
        return p;
    }

    private int readHeader(byte[] chunk, int p, int end) {
        int headerStart;
        if (headerFilled == 0 && end - p >= 5) {
            headerStart = p;
            type = (char) (chunk[p] & 0xff);
            remaining = int32(chunk, p + 1) - 4;
            p += 5;
        } else {
            if (headerFilled == 0) {
                flushRun(chunk, p); // the header's first bytes belong to no run until its type is known
            }
            int n = Math.min(5 - headerFilled, end - p);
            System.arraycopy(chunk, p, header, headerFilled, n);
            headerFilled += n;
            p += n;
            if (headerFilled < 5) {
                return p;
            }
            headerFilled = 0;
            headerStart = -1;
            type = (char) (header[0] & 0xff);
            remaining = int32(header, 1) - 4;
        }
        if (remaining < 0) {
            flushRun(chunk, headerStart < 0 ? p : headerStart);
            fail("message '" + printable(type) + "' with length " + (remaining + 4) + " (expected: at least 4)");
            return end;
        }
        if (listener.stream(type, remaining)) {
            passHeader(chunk, headerStart); // the header goes to raw like any relayed message's
            flushRun(chunk, p);
            state = remaining == 0 ? State.HEADER : State.STREAM;
            listener.bodyStart(type, remaining);
            if (remaining == 0) {
                listener.bodyEnd();
            }
            return p;
        }
        if (listener.capture(type, remaining)) {
            if (headerStart >= 0) {
                flushRun(chunk, headerStart);
            }
            if (remaining > captureLimit) {
                listener.oversized(type, remaining);
                state = remaining == 0 ? State.HEADER : State.SKIP;
            } else if (remaining == 0) {
                listener.message(type, new byte[0]);
            } else {
                packet = new byte[remaining];
                state = State.CAPTURE;
            }
            return p;
        }
        passHeader(chunk, headerStart);
        state = remaining == 0 ? State.HEADER : State.PASS;
        return p;
    }

    /** A relayed message's header: part of the current run when it lies in this chunk, else its own piece. */
    private void passHeader(byte[] chunk, int headerStart) {
        if (headerStart >= 0) {
            if (runStart < 0) {
                runStart = headerStart;
            }
        } else {
            listener.raw(Arrays.copyOf(header, 5), 0, 5);
        }
    }

    private void flushRun(byte[] chunk, int end) {
        if (runStart >= 0 && end > runStart) {
            listener.raw(chunk, runStart, end - runStart);
        }
        runStart = -1;
    }

    private void fail(String reason) {
        state = State.DEAD;
        packet = null;
        listener.malformed(reason);
    }

    private static int int32(byte[] b, int i) {
        return (b[i] & 0xff) << 24 | (b[i + 1] & 0xff) << 16 | (b[i + 2] & 0xff) << 8 | (b[i + 3] & 0xff);
    }

    static String printable(char type) {
        return type >= 0x20 && type < 0x7f ? String.valueOf(type) : String.format("\\x%02x", (int) type);
    }
}
