package dev.hoop.agent.http;

import dev.hoop.agent.session.ClientSink;
import dev.hoop.agent.session.ConnectionHandler;
import dev.hoop.agent.session.ConnectionHandlerFactory;
import dev.hoop.agent.tcp.TcpAddress;
import dev.hoop.common.netty.EventLoops;
import dev.hoop.common.wire.ConnectionParams;
import io.netty.bootstrap.Bootstrap;
import io.netty.channel.AdaptiveRecvByteBufAllocator;
import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoopGroup;
import io.netty.handler.ssl.SslContext;
import io.netty.handler.ssl.SslContextBuilder;
import java.util.Objects;
import javax.net.ssl.SSLException;

/**
 * HTTP connections: each client connection of an {@code http} session (a browser's or curl's
 * socket on {@code hoop connect}'s local port) becomes one {@link HttpConnection} to the
 * connection's target ({@code URL}, or {@code HOST}/{@code PORT}), made at the first request. The
 * agent adds the connection's {@code HEADER_*} headers; the user never sees them.
 */
public final class HttpHandlers implements ConnectionHandlerFactory {
    static final int CONNECT_TIMEOUT_MILLIS = 10_000;
    private final Bootstrap bootstrap;
    private final SslContext tls;
    private static final int MAX_OWN_CAS = 64;
    private final java.util.concurrent.ConcurrentHashMap<String, SslContext> byCa = new java.util.concurrent.ConcurrentHashMap<>();

    /** @param group an event loop group from {@link EventLoops#newGroup} */
    public HttpHandlers(EventLoopGroup group) {
        this(group, defaultTls());
    }

    HttpHandlers(EventLoopGroup group, SslContext tls) {
        Objects.requireNonNull(group, "group");
        this.tls = Objects.requireNonNull(tls, "tls");
        this.bootstrap = new Bootstrap()
                .group(group)
                .channel(EventLoops.socketChannel())
                // Read only when the client took the previous chunk (read-after-write).
                .option(ChannelOption.AUTO_READ, false)
                .option(ChannelOption.RCVBUF_ALLOCATOR, new AdaptiveRecvByteBufAllocator().maxMessagesPerRead(1))
                .option(ChannelOption.TCP_NODELAY, true)
                .option(ChannelOption.CONNECT_TIMEOUT_MILLIS, CONNECT_TIMEOUT_MILLIS);
    }

    /** The JDK's trusted certificate authorities. */
    private static SslContext defaultTls() {
        try {
            return SslContextBuilder.forClient().build();
        } catch (SSLException e) {
            throw new IllegalStateException("cannot set up TLS for https targets: " + e.getMessage(), e);
        }
    }

    /**
     * Where the agent checks the target is reachable before it answers the session's open.
     *
     * @throws IllegalArgumentException when URL, HOST/PORT or a HEADER_ variable is missing or wrong
     */
    public static TcpAddress address(ConnectionParams params) {
        HttpTarget target = HttpTarget.of(params);
        return new TcpAddress(target.host(), target.port());
    }

    /** @throws IllegalArgumentException when URL, HOST/PORT or a HEADER_ variable is missing or wrong */
    @Override
    public ConnectionHandler open(ConnectionParams params, ClientSink toClient) {
        HttpTarget target = HttpTarget.of(params);
        return new HttpConnection(bootstrap, target, toClient, target.caPem() == null ? tls : ownCa(params, target.caPem()));
    }

    /** A TLS context trusting only a connection's {@code TLS_CA}; built once per distinct CA. */
    private SslContext ownCa(ConnectionParams params, String caPem) {
        if (byCa.size() > MAX_OWN_CAS) {
            byCa.clear(); // a bound, not a policy: contexts are cheap to rebuild
        }
        return byCa.computeIfAbsent(caPem, pem -> {
            try {
                return SslContextBuilder.forClient()
                        .trustManager(new java.io.ByteArrayInputStream(pem.getBytes(java.nio.charset.StandardCharsets.US_ASCII))).build();
            } catch (SSLException | IllegalArgumentException e) {
                throw new IllegalArgumentException("connection '" + params.name() + "' has TLS_CA that holds no usable certificate ("
                        + e.getMessage() + ")", e);
            }
        });
    }
}
