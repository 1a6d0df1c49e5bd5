package dev.hoop.agent.http;

import static org.assertj.core.api.Assertions.assertThat;

import dev.hoop.common.netty.EventLoops;
import dev.hoop.common.tls.SelfSignedCertificate;
import dev.hoop.common.tls.TlsMaterial;
import dev.hoop.common.wire.ConnectionParams;
import io.netty.bootstrap.ServerBootstrap;
import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.SimpleChannelInboundHandler;
import io.netty.channel.nio.NioIoHandler;
import io.netty.channel.socket.SocketChannel;
import io.netty.channel.socket.nio.NioServerSocketChannel;
import io.netty.handler.codec.http.DefaultFullHttpResponse;
import io.netty.handler.codec.http.FullHttpRequest;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpObjectAggregator;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.HttpServerCodec;
import io.netty.handler.codec.http.HttpVersion;
import io.netty.handler.ssl.SslContext;
import io.netty.handler.ssl.SslContextBuilder;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** https targets: the certificate and the host name are verified; a failure is a 502 naming it. */
class HttpsTargetTest {
    private static EventLoopGroup io;
    private static EventLoopGroup servers;

    @BeforeAll
    static void start() {
        io = EventLoops.newGroup(1, "agent-io");
        servers = new MultiThreadIoEventLoopGroup(1, NioIoHandler.newFactory());
    }

    @AfterAll
    static void stop() throws InterruptedException {
        io.shutdownGracefully(0, 5, TimeUnit.SECONDS).sync();
        servers.shutdownGracefully(0, 5, TimeUnit.SECONDS).sync();
    }

    /** An HTTPS server answering "secure <Host header>". */
    private static Channel server(TlsMaterial tls) throws Exception {
        SslContext ctx = SslContextBuilder.forServer(tls.cert(), tls.key()).build();
        return new ServerBootstrap().group(servers).channel(NioServerSocketChannel.class)
                .childHandler(new ChannelInitializer<SocketChannel>() {
                    @Override
                    protected void initChannel(SocketChannel ch) {
                        ch.pipeline().addLast(ctx.newHandler(ch.alloc()), new HttpServerCodec(), new HttpObjectAggregator(65536),
                                new SimpleChannelInboundHandler<FullHttpRequest>() {
                                    @Override
                                    protected void channelRead0(ChannelHandlerContext c, FullHttpRequest request) {
                                        byte[] body = ("secure " + request.headers().get(HttpHeaderNames.HOST)).getBytes(StandardCharsets.UTF_8);
                                        FullHttpResponse r = new DefaultFullHttpResponse(HttpVersion.HTTP_1_1, HttpResponseStatus.OK,
                                                Unpooled.wrappedBuffer(body));
                                        r.headers().setInt(HttpHeaderNames.CONTENT_LENGTH, body.length);
                                        c.writeAndFlush(r);
                                    }
                                });
                    }
                }).bind(InetAddress.getLoopbackAddress(), 0).sync().channel();
    }

    private static String get(HttpHandlers handlers, int port) throws Exception {
        return get(handlers, Map.of("URL", "https://127.0.0.1:" + port));
    }

    private static String get(HttpHandlers handlers, Map<String, String> envs) throws Exception {
        HttpHandlersTest.Sink sink = new HttpHandlersTest.Sink();
        handlers.open(new ConnectionParams("tls", "http", List.of(), envs), sink)
                .write("GET / HTTP/1.1\r\nHost: x\r\n\r\n".getBytes(StandardCharsets.US_ASCII));
        HttpHandlersTest.await(() -> sink.text().contains("secure") || sink.closeReason.isDone(), "an answer");
        return sink.text();
    }

    @Test
    void aTrustedCertificateForTheHostServes() throws Exception {
        TlsMaterial tls = SelfSignedCertificate.generate("127.0.0.1");
        Channel server = server(tls);
        try {
            int port = ((InetSocketAddress) server.localAddress()).getPort();
            HttpHandlers trusting = new HttpHandlers(io, SslContextBuilder.forClient().trustManager(tls.ca()).build());
            assertThat(get(trusting, port)).startsWith("HTTP/1.1 200 OK\r\n").endsWith("secure 127.0.0.1:" + port);
        } finally {
            server.close().sync();
        }
    }

    @Test
    void aConnectionsOwnCaIsTrustedForItAlone() throws Exception {
        TlsMaterial tls = SelfSignedCertificate.generate("127.0.0.1");
        Channel server = server(tls);
        try {
            int port = ((InetSocketAddress) server.localAddress()).getPort();
            HttpHandlers handlers = new HttpHandlers(io);
            String base64 = java.util.Base64.getEncoder().encodeToString(tls.caPem());
            assertThat(get(handlers, Map.of("URL", "https://127.0.0.1:" + port, "TLS_CA", base64)))
                    .startsWith("HTTP/1.1 200 OK\r\n").endsWith("secure 127.0.0.1:" + port);
            assertThat(get(handlers, Map.of("URL", "https://127.0.0.1:" + port, "TLS_CA", new String(tls.caPem(), StandardCharsets.US_ASCII))))
                    .startsWith("HTTP/1.1 200 OK\r\n");
            // another connection without it on the same agent: not trusted
            assertThat(get(handlers, port)).startsWith("HTTP/1.1 502 Bad Gateway\r\n");
            org.assertj.core.api.Assertions.assertThatThrownBy(() -> handlers.open(new ConnectionParams("tls", "http", List.of(),
                    Map.of("URL", "https://127.0.0.1:" + port, "TLS_CA", "bm90IGEgcGVt")), new HttpHandlersTest.Sink()))
                    .hasMessage("connection 'tls' has a TLS_CA that cannot be read: decodes to no PEM CERTIFICATE block (expected: base64 of a PEM CERTIFICATE)");
        } finally {
            server.close().sync();
        }
    }

    @Test
    void anUntrustedCertificateIsA502() throws Exception {
        Channel server = server(SelfSignedCertificate.generate("127.0.0.1"));
        try {
            int port = ((InetSocketAddress) server.localAddress()).getPort();
            assertThat(get(new HttpHandlers(io), port)).startsWith("HTTP/1.1 502 Bad Gateway\r\n")
                    .contains("the connection to 127.0.0.1:" + port + " failed").doesNotContain("secure");
        } finally {
            server.close().sync();
        }
    }

    @Test
    void aTrustedCertificateForAnotherHostIsA502() throws Exception {
        TlsMaterial tls = SelfSignedCertificate.generate("other.example");
        Channel server = server(tls);
        try {
            int port = ((InetSocketAddress) server.localAddress()).getPort();
            HttpHandlers trusting = new HttpHandlers(io, SslContextBuilder.forClient().trustManager(tls.ca()).build());
            assertThat(get(trusting, port)).startsWith("HTTP/1.1 502 Bad Gateway\r\n").doesNotContain("secure");
        } finally {
            server.close().sync();
        }
    }
}
