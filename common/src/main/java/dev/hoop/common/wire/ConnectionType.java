package dev.hoop.common.wire;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.Set;
import java.util.stream.Collectors;

/**
 * The connection types and, for each, what a client may do with it: the one place gateway, agent
 * and client read it from. Per (type, verb) it holds the client packet types a session may carry
 * after its {@code AgentSessionOpen}; the gateway refuses any other with INVALID_ARGUMENT and ends
 * the session, and the agent refuses it again (defence in depth). {@code AgentSessionClose} is
 * allowed in every session; {@code AgentSessionOpen} only as a session's first packet, and with a
 * payload (the exec input) only for {@link Verb#EXEC}.
 *
 * <p>A type that supports no verb would be refused at the door with a message saying it is not
 * served yet; every type is served today.
 */
public enum ConnectionType {
    POSTGRES("postgres", OptionalInt.of(5433), AgentPacket.PG_CONNECTION_WRITE, ClientPacket.PG_CONNECTION_WRITE,
            Map.of(Verb.CONNECT, List.of(AgentPacket.PG_CONNECTION_WRITE, AgentPacket.CLOSE_TCP_CONNECTION),
                    Verb.EXEC, List.of(AgentPacket.EXEC_WRITE_STDIN))),
    TCP("tcp", OptionalInt.of(8999), AgentPacket.TCP_CONNECTION_WRITE, ClientPacket.TCP_CONNECTION_WRITE,
            Map.of(Verb.CONNECT, List.of(AgentPacket.TCP_CONNECTION_WRITE, AgentPacket.CLOSE_TCP_CONNECTION))),
    /** An interactive terminal ({@code hoop connect}) or a command ({@code hoop exec}): no local listener. */
    COMMAND_LINE("command-line", OptionalInt.empty(), null, null,
            Map.of(Verb.CONNECT, List.of(AgentPacket.TERMINAL_WRITE_STDIN, AgentPacket.TERMINAL_RESIZE_TTY),
                    Verb.EXEC, List.of(AgentPacket.EXEC_WRITE_STDIN))),
    /** HTTP through the agent ({@code hoop connect}: a local HTTP port); exec is refused (there is no program to run). */
    HTTP("http", OptionalInt.of(8081), AgentPacket.HTTP_PROXY_CONNECTION_WRITE, ClientPacket.HTTP_PROXY_CONNECTION_WRITE,
            Map.of(Verb.CONNECT, List.of(AgentPacket.HTTP_PROXY_CONNECTION_WRITE, AgentPacket.CLOSE_TCP_CONNECTION)));

    private final String wireName;
    private final OptionalInt defaultLocalPort;
    private final String inboundWrite;
    private final String outboundWrite;
    private final Map<Verb, List<String>> allowed;

    ConnectionType(String wireName, OptionalInt defaultLocalPort, String inboundWrite, String outboundWrite,
                   Map<Verb, List<String>> inSession) {
        this.wireName = wireName;
        this.defaultLocalPort = defaultLocalPort;
        this.inboundWrite = inboundWrite;
        this.outboundWrite = outboundWrite;
        Map<Verb, List<String>> withClose = new EnumMap<>(Verb.class);
        inSession.forEach((verb, types) -> {
            List<String> all = new ArrayList<>(types);
            all.add(AgentPacket.SESSION_CLOSE);
            withClose.put(verb, List.copyOf(all));
        });
        this.allowed = Collections.unmodifiableMap(withClose);
    }

    /** The name on the wire, in the API and in {@code gateway.connection_type}. */
    public String wireName() {
        return wireName;
    }

    /** @return the type of that name, or empty (also for null) */
    public static Optional<ConnectionType> find(String wireName) {
        for (ConnectionType t : values()) {
            if (t.wireName.equals(wireName)) {
                return Optional.of(t);
            }
        }
        return Optional.empty();
    }

    /** Every type's name, in declaration order: for "expected: …" messages. */
    public static List<String> wireNames() {
        return Arrays.stream(values()).map(ConnectionType::wireName).toList();
    }

    /** The refusal of a type that is none of these, naming the known ones. */
    public static String unknown(String wireName) {
        return "unknown connection type '" + wireName + "' (expected: " + String.join(", ", wireNames()) + ")";
    }

    /** The port {@code hoop connect} listens on without {@code --port}; empty when it opens no listener. */
    public OptionalInt defaultLocalPort() {
        return defaultLocalPort;
    }

    /** The packet type carrying a client socket's bytes to the agent; empty for types without sockets. */
    public Optional<String> inboundWrite() {
        return Optional.ofNullable(inboundWrite);
    }

    /** The packet type carrying the resource's bytes back to the client socket; empty for types without sockets. */
    public Optional<String> outboundWrite() {
        return Optional.ofNullable(outboundWrite);
    }

    /** The verbs a session on this type may use (empty: not served). */
    public Set<Verb> verbs() {
        return allowed.keySet();
    }

    public boolean supports(Verb verb) {
        return allowed.containsKey(verb);
    }

    /** Why a session of {@code verb} is refused on this type, or empty when it is supported. */
    public Optional<String> verbRefusal(Verb verb) {
        if (supports(verb)) {
            return Optional.empty();
        }
        if (allowed.isEmpty()) {
            return Optional.of(wireName + " connections are declared but not served yet: no session can be opened on them");
        }
        String hint = this == HTTP ? "; open it with 'hoop connect' and use any HTTP client on the local port" : "";
        return Optional.of("verb '" + verb + "' is not supported by " + wireName + " connections (supported: "
                + verbs().stream().map(Verb::wireName).collect(Collectors.joining(", ")) + ")" + hint);
    }

    /** The packet types a client may send after {@code AgentSessionOpen} in a {@code verb} session (empty when unsupported). */
    public List<String> allowedAfterOpen(Verb verb) {
        return allowed.getOrDefault(verb, List.of());
    }

    /** Whether the opening {@code AgentSessionOpen} may carry a payload: exec input, the only input an open carries. */
    public boolean openCarriesInput(Verb verb) {
        return verb == Verb.EXEC && supports(verb);
    }

    /**
     * Why {@code packetType}, sent by a client after the session opened, is refused; empty when allowed.
     * The text names the packet type, the session's type and verb and what is allowed.
     */
    public Optional<String> refusal(Verb verb, String packetType) {
        if (!supports(verb)) {
            return verbRefusal(verb);
        }
        if (allowedAfterOpen(verb).contains(packetType)) {
            return Optional.empty();
        }
        return Optional.of("packet type '" + packetType + "' is not allowed in a " + wireName + " " + verb + " session (allowed: "
                + String.join(", ", allowedAfterOpen(verb)) + ")");
    }

    /** Why an {@code AgentSessionOpen} with {@code payloadBytes} of payload is refused; empty when allowed. */
    public Optional<String> openRefusal(Verb verb, int payloadBytes) {
        if (payloadBytes == 0 || openCarriesInput(verb)) {
            return Optional.empty();
        }
        return Optional.of(AgentPacket.SESSION_OPEN + " of a " + wireName + " " + verb + " session must be empty (got "
                + payloadBytes + " bytes of payload); input goes in an exec session");
    }

    @Override
    public String toString() {
        return wireName;
    }
}
