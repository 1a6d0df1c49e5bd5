package dev.hoop.common.wire;

import dev.hoop.proto.Packet;
import com.google.protobuf.ByteString;
import io.grpc.Metadata;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Map;

/**
 * Limits, metadata keys and small helpers of the gRPC transport shared by every side.
 * Metadata keys are the ones docs/architecture.md#wire-protocol names; {@code origin} is required on {@code Connect}.
 */
public final class Wire {
    /** Largest gRPC message either side accepts. */
    public static final int MAX_MESSAGE_BYTES = 16 * 1024 * 1024;
    public static final Duration KEEP_ALIVE_INTERVAL = Duration.ofSeconds(10);

    public static final Metadata.Key<String> ORIGIN = key("origin");
    public static final Metadata.Key<String> VERB = key("verb");
    public static final Metadata.Key<String> CONNECTION_NAME = key("connection-name");
    public static final Metadata.Key<String> AUTHORIZATION = key("authorization");
    public static final Metadata.Key<String> VERSION = key("version");
    public static final Metadata.Key<String> HOSTNAME = key("hostname");
    public static final Metadata.Key<String> PLATFORM = key("platform");
    public static final Metadata.Key<String> CONNECTION_ITEMS = key("connection-items");

    public static final String ORIGIN_AGENT = "agent";
    public static final String ORIGIN_CLIENT = "client";
    public static final String ORIGIN_CLIENT_API = "client-api";
    public static final String VERB_CONNECT = "connect";
    public static final String VERB_EXEC = "exec";

    private Wire() {}

    private static Metadata.Key<String> key(String name) {
        return Metadata.Key.of(name, Metadata.ASCII_STRING_MARSHALLER);
    }

    /** A packet of {@code type} with UTF-8 spec values and a payload. */
    public static Packet packet(String type, Map<String, String> spec, byte[] payload) {
        Packet.Builder b = Packet.newBuilder().setType(type);
        spec.forEach((k, v) -> b.putSpec(k, ByteString.copyFromUtf8(v)));
        if (payload != null) {
            b.setPayload(ByteString.copyFrom(payload));
        }
        return b.build();
    }

    /** The spec value at {@code key} as UTF-8 text, or null when absent. */
    public static String spec(Packet p, String key) {
        ByteString v = p.getSpecMap().get(key);
        return v == null ? null : v.toString(StandardCharsets.UTF_8);
    }
}
