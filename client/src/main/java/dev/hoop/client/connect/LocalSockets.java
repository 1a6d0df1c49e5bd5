package dev.hoop.client.connect;

import dev.hoop.common.wire.AgentPacket;
import dev.hoop.common.wire.ClientPacket;
import dev.hoop.common.wire.SpecKey;
import dev.hoop.common.wire.Wire;
import dev.hoop.proto.Packet;
import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import java.util.Map;
import java.util.Queue;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.atomic.AtomicLong;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Multiplexes the local sockets of one session over one gateway stream. Each accepted socket gets a
 * {@code client.connection_id} ("1", "2", …); its bytes go out as {@code kind.toAgent()} packets, and
 * {@code kind.toClient()} packets come back to the socket with that id.
 *
 * <p>Backpressure both ways, so memory stays bounded whatever the speeds: a socket is read (auto-read
 * off) only while the gateway stream is ready, and the next packet from the gateway is requested only
 * once the socket it was for can take more.
 */
public final class LocalSockets {
    private static final Logger log = LoggerFactory.getLogger(LocalSockets.class);

    private final ConnectionKind kind;
    private final GatewayStream stream;
    private final AtomicLong nextId = new AtomicLong(1);
    private final Map<String, Channel> sockets = new ConcurrentHashMap<>();
    private final Queue<Channel> waitingForStream = new ConcurrentLinkedQueue<>();
    /** Sockets whose last packet found them full: the next request waits for them to drain. */
    private final Set<String> heldBack = ConcurrentHashMap.newKeySet();

    public LocalSockets(ConnectionKind kind, GatewayStream stream) {
        this.kind = kind;
        this.stream = stream;
        stream.setOnReadyHandler(this::resumeReads);
    }

    /** Starts the inbound flow: one packet at a time from the gateway. */
    public void start() {
        stream.request(1);
    }

    /** A new local socket: its handler, holding its connection id. */
    LocalSocketHandler accept() {
        return new LocalSocketHandler(Long.toString(nextId.getAndIncrement()), this);
    }

    void register(String id, Channel channel) {
        sockets.put(id, channel);
    }

    /** Bytes read from socket {@code id}; then reads on when the stream can take more. */
    void fromSocket(String id, Channel channel, byte[] bytes) {
        stream.send(Wire.packet(kind.toAgent(), Map.of(SpecKey.CLIENT_CONNECTION_ID, id), bytes));
        readWhenReady(channel);
    }

    /** The socket closed locally: tell the agent to close its side. */
    void socketClosed(String id) {
        heldBack.remove(id);
        if (sockets.remove(id) != null) {
            stream.send(Wire.packet(AgentPacket.CLOSE_TCP_CONNECTION, Map.of(SpecKey.CLIENT_CONNECTION_ID, id), null));
        }
    }

    /** Socket {@code id} drained its write buffer: if it held the flow back, ask for the next packet. */
    void socketWritable(String id) {
        if (heldBack.remove(id)) {
            stream.request(1);
        }
    }

    void readWhenReady(Channel channel) {
        if (stream.isReady()) {
            channel.read();
            return;
        }
        waitingForStream.add(channel);
        // The stream may have turned ready between the check and the add; then nobody would resume us.
        if (stream.isReady()) {
            resumeReads();
        }
    }

    private void resumeReads() {
        Channel channel;
        while (stream.isReady() && (channel = waitingForStream.poll()) != null) {
            if (channel.isActive()) {
                channel.read();
            }
        }
    }

    /**
     * A packet from the gateway for this session. Returns true when it was one of the listener's
     * (a write or a close for a socket); other types are the caller's (session open/close, …).
     */
    public boolean onPacket(Packet packet) {
        String type = packet.getType();
        String id = Wire.spec(packet, SpecKey.CLIENT_CONNECTION_ID);
        if (type.equals(kind.toClient())) {
            Channel channel = id == null ? null : sockets.get(id);
            if (channel == null || !channel.isActive()) {
                log.debug("dropping {} bytes for closed local connection {} ({})", packet.getPayload().size(), id, type);
                stream.request(1);
                return true;
            }
            channel.writeAndFlush(Unpooled.wrappedBuffer(packet.getPayload().asReadOnlyByteBuffer()));
            if (channel.isWritable()) {
                stream.request(1);
                return true;
            }
            // Full: LocalSocketHandler.channelWritabilityChanged asks for the next packet. It may have
            // drained between the check and the add, so look again (exactly one request either way).
            heldBack.add(id);
            if (channel.isWritable() && heldBack.remove(id)) {
                stream.request(1);
            }
            return true;
        }
        if (type.equals(ClientPacket.TCP_CONNECTION_CLOSE)) {
            Channel channel = id == null ? null : sockets.remove(id);
            if (channel != null) {
                channel.close();
            }
            stream.request(1);
            return true;
        }
        return false;
    }

    /** Closes every local socket (session over). */
    public void closeAll() {
        sockets.values().forEach(Channel::close);
        sockets.clear();
    }

    /** How many local sockets are open. */
    public int openSockets() {
        return sockets.size();
    }
}
