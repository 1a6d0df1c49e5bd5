package dev.hoop.router.proxy;

import static org.assertj.core.api.Assertions.assertThat;

import dev.hoop.common.netty.EventLoops;
import dev.hoop.router.RawHttp;
import dev.hoop.router.RedisFixture;
import dev.hoop.router.RouterFixture;
import io.netty.bootstrap.ServerBootstrap;
import io.netty.channel.Channel;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.SimpleChannelInboundHandler;
import io.netty.handler.codec.http.HttpObjectAggregator;
import io.netty.handler.codec.http.HttpServerCodec;
import io.netty.handler.codec.http.websocketx.TextWebSocketFrame;
import io.netty.handler.codec.http.websocketx.WebSocketServerProtocolHandler;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** A WebSocket echo backend (Netty's server handshake) reached through the router by a raw client. */
class WebSocketTest {
    static RedisFixture redis;
    static RouterFixture router;
    static EventLoopGroup group;
    static Channel echo;

    @BeforeAll
    static void start() throws InterruptedException {
        redis = new RedisFixture();
        router = new RouterFixture("\"tcpTimeout\": 5");
        group = EventLoops.newGroup(1, "ws-echo");
        echo = new ServerBootstrap().group(group).channel(EventLoops.serverSocketChannel())
                .childHandler(new ChannelInitializer<Channel>() {
                    @Override
                    protected void initChannel(Channel ch) {
                        ch.pipeline().addLast(new HttpServerCodec(), new HttpObjectAggregator(65536),
                                new WebSocketServerProtocolHandler("/ws"),
                                new SimpleChannelInboundHandler<TextWebSocketFrame>() {
                                    @Override
                                    protected void channelRead0(ChannelHandlerContext ctx, TextWebSocketFrame f) {
                                        ctx.writeAndFlush(new TextWebSocketFrame("echo: " + f.text()));
                                    }
                                });
                    }
                }).bind("127.0.0.1", 0).sync().channel();
    }

    @AfterAll
    static void stop() {
        echo.close();
        group.shutdownGracefully();
        router.close();
        redis.close();
    }

    private static String readHead(InputStream in) throws IOException {
        StringBuilder b = new StringBuilder();
        int c;
        while ((c = in.read()) >= 0) {
            b.append((char) c);
            if (b.toString().endsWith("\r\n\r\n")) {
                break;
            }
        }
        return b.toString();
    }

    private static void sendText(OutputStream out, String text) throws IOException {
        byte[] payload = text.getBytes(StandardCharsets.UTF_8);
        byte[] mask = {1, 2, 3, 4};
        out.write(0x81);
        out.write(0x80 | payload.length);
        out.write(mask);
        for (int i = 0; i < payload.length; i++) {
            out.write(payload[i] ^ mask[i % 4]);
        }
        out.flush();
    }

    private static String readText(InputStream in) throws IOException {
        int b0 = in.read();
        int len = in.read() & 0x7f;
        assertThat(b0).isEqualTo(0x81);
        return new String(in.readNBytes(len), StandardCharsets.UTF_8);
    }

    @Test
    void framesAreEchoedBothWaysThroughTheRouter() throws IOException {
        String host = redis.host("ws");
        redis.frontend(host, "ws-app", "http://127.0.0.1:" + ((InetSocketAddress) echo.localAddress()).getPort());
        try (Socket s = new Socket()) {
            s.connect(router.http(), 5000);
            s.setSoTimeout(10_000);
            OutputStream out = s.getOutputStream();
            InputStream in = s.getInputStream();
            out.write(("GET /ws HTTP/1.1\r\nHost: " + host + "\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n"
                    + "Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\nSec-WebSocket-Version: 13\r\n\r\n")
                    .getBytes(StandardCharsets.ISO_8859_1));
            out.flush();
            String head = readHead(in);
            assertThat(head).startsWith("HTTP/1.1 101 Switching Protocols\r\n");
            assertThat(head.toLowerCase()).contains("sec-websocket-accept: s3pplmbitxaq9kygzzhzrbk+xoo=");
            assertThat(head.toLowerCase()).contains("upgrade: websocket");
            for (int i = 0; i < 3; i++) {
                sendText(out, "hello " + i);
                assertThat(readText(in)).isEqualTo("echo: hello " + i);
            }
        }
    }

    @Test
    void anUpgradeForAnUnknownHostIsAnsweredWithAStatus() throws IOException {
        try (RawHttp c = new RawHttp(router.http())) {
            RawHttp.Response r = c.request("GET", redis.host("no-ws"), "/ws",
                    "Upgrade: websocket\r\nConnection: Upgrade\r\nSec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\nSec-WebSocket-Version: 13\r\n");
            assertThat(r.status()).isEqualTo(400);
        }
        assertThat(RawHttp.get(router.http(), "__ping__", "/").status()).isEqualTo(200);
    }
}
