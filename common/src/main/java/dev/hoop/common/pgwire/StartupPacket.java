package dev.hoop.common.pgwire;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;

/**
 * The untyped packets a client sends before the typed phase: Int32 length (counting itself),
 * Int32 code, then the body. {@link #decode(byte[])} takes one whole packet, length included.
 */
public sealed interface StartupPacket {
    /** Protocol 3.0, the only version PostgreSQL 7.4+ speaks. */
    int PROTOCOL_3_0 = 196608;
    int SSL_REQUEST_CODE = 80877103;
    int GSSENC_REQUEST_CODE = 80877104;
    int CANCEL_REQUEST_CODE = 80877102;
    /** PostgreSQL's own MAX_STARTUP_PACKET_LENGTH: a longer startup packet is refused. */
    int MAX_LENGTH = 10_000;

    byte[] encode();

    /** Asks for TLS; the agent answers {@code N} (no TLS between client and agent, the tunnel already encrypts). */
    record SslRequest() implements StartupPacket {
        @Override
        public byte[] encode() {
            return PgWriter.untyped().int32(SSL_REQUEST_CODE).build();
        }
    }

    /** Asks for GSSAPI encryption; answered {@code N} like {@link SslRequest}. */
    record GssEncRequest() implements StartupPacket {
        @Override
        public byte[] encode() {
            return PgWriter.untyped().int32(GSSENC_REQUEST_CODE).build();
        }
    }

    /** Sent on a new connection to cancel the query running in backend {@code processId}. */
    record CancelRequest(int processId, int secretKey) implements StartupPacket {
        @Override
        public byte[] encode() {
            return PgWriter.untyped().int32(CANCEL_REQUEST_CODE).int32(processId).int32(secretKey).build();
        }

        @Override
        public String toString() {
            return "CancelRequest[processId=" + processId + "]"; // the key authorizes the cancel
        }
    }

    /**
     * Opens a session; {@code parameters} keep the client's order (user, database, options,
     * application_name, client_encoding, …).
     */
    record StartupMessage(int protocolVersion, Map<String, String> parameters) implements StartupPacket {
        public StartupMessage {
            Objects.requireNonNull(parameters, "parameters");
            parameters = Collections.unmodifiableMap(new LinkedHashMap<>(parameters));
        }

        @Override
        public byte[] encode() {
            PgWriter w = PgWriter.untyped().int32(protocolVersion);
            parameters.forEach((k, v) -> w.cstring(k).cstring(v));
            return w.int8(0).build();
        }

        /** A copy with {@code name} set to {@code value}, keeping its place when already present. */
        public StartupMessage with(String name, String value) {
            Map<String, String> copy = new LinkedHashMap<>(parameters);
            copy.put(name, value);
            return new StartupMessage(protocolVersion, copy);
        }
    }

    /** @throws PgWireException when the packet is not a startup packet this codec knows */
    static StartupPacket decode(byte[] packet) {
        if (packet.length < 8) {
            throw new PgWireException("startup packet of " + packet.length + " bytes (expected: at least 8)");
        }
        PgBuffer in = new PgBuffer(packet, "startup packet");
        int length = in.int32();
        if (length != packet.length) {
            throw new PgWireException("startup packet length field " + length + " but " + packet.length + " bytes");
        }
        int code = in.int32();
        switch (code) {
            case SSL_REQUEST_CODE:
                return new SslRequest();
            case GSSENC_REQUEST_CODE:
                return new GssEncRequest();
            case CANCEL_REQUEST_CODE:
                return new CancelRequest(in.int32(), in.int32());
            default:
                break;
        }
        if (code >>> 16 != 3) {
            throw new PgWireException("unsupported frontend protocol " + (code >>> 16) + "." + (code & 0xffff)
                    + " (expected: 3.0, PostgreSQL 7.4 or later)");
        }
        Map<String, String> parameters = new LinkedHashMap<>();
        while (true) {
            String name = in.cstring();
            if (name.isEmpty()) {
                break;
            }
            parameters.put(name, in.cstring());
        }
        return new StartupMessage(code, parameters);
    }
}
