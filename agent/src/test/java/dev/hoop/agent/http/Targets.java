package dev.hoop.agent.http;

import io.netty.bootstrap.ServerBootstrap;
import io.netty.channel.Channel;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.SimpleChannelInboundHandler;
import io.netty.channel.socket.SocketChannel;
import io.netty.channel.socket.nio.NioServerSocketChannel;
import io.netty.handler.codec.http.HttpObjectAggregator;
import io.netty.handler.codec.http.HttpServerCodec;
import io.netty.handler.codec.http.websocketx.TextWebSocketFrame;
import io.netty.handler.codec.http.websocketx.WebSocketServerProtocolHandler;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Function;

/** Real servers for the http handler's tests. */
final class Targets {
    private Targets() {}

    /**
     * A raw HTTP/1.1 server on a socket: reads each request head (bodies are not expected), records
     * it exactly, and answers with what {@code answer} makes of it. Every byte received is kept.
     */
    static final class Raw implements AutoCloseable {
        private final ServerSocket server;
        final List<String> heads = new CopyOnWriteArrayList<>();
        final AtomicInteger connections = new AtomicInteger();
        private final ByteArrayOutputStream received = new ByteArrayOutputStream();

        Raw(Function<String, byte[]> answer) throws IOException {
            server = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
            Thread.ofVirtual().start(() -> {
                while (!server.isClosed()) {
                    try {
                        Socket s = server.accept();
                        connections.incrementAndGet();
                        Thread.ofVirtual().start(() -> serve(s, answer));
                    } catch (IOException e) {
                        return;
                    }
                }
            });
        }

        private void serve(Socket s, Function<String, byte[]> answer) {
            try (s; InputStream in = s.getInputStream(); OutputStream out = s.getOutputStream()) {
                StringBuilder head = new StringBuilder();
                for (int b; (b = in.read()) != -1; ) {
                    synchronized (received) {
                        received.write(b);
                    }
                    head.append((char) b);
                    if (head.toString().endsWith("\r\n\r\n")) {
                        heads.add(head.toString());
                        out.write(answer.apply(head.toString()));
                        out.flush();
                        head.setLength(0);
                    }
                }
            } catch (IOException e) {
                // the agent closed
            }
        }

        String received() {
            synchronized (received) {
                return received.toString(StandardCharsets.ISO_8859_1);
            }
        }

        int port() {
            return server.getLocalPort();
        }

        @Override
        public void close() throws IOException {
            server.close();
        }
    }

    static byte[] ok(String body, String... headers) {
        StringBuilder r = new StringBuilder("HTTP/1.1 200 OK\r\nContent-Length: " + body.getBytes(StandardCharsets.UTF_8).length + "\r\n");
        for (String h : headers) {
            r.append(h).append("\r\n");
        }
        return r.append("\r\n").append(body).toString().getBytes(StandardCharsets.UTF_8);
    }

    /** A WebSocket echo server on {@code /ws} (Netty's server handshaker); other paths get 404. */
    static final class WebSocketEcho implements AutoCloseable {
        private final Channel server;

        WebSocketEcho(EventLoopGroup group) throws InterruptedException {
            server = new ServerBootstrap().group(group).channel(NioServerSocketChannel.class)
                    .childHandler(new ChannelInitializer<SocketChannel>() {
                        @Override
                        protected void initChannel(SocketChannel ch) {
                            ch.pipeline().addLast(new HttpServerCodec(), new HttpObjectAggregator(65536),
                                    new WebSocketServerProtocolHandler("/ws"),
                                    new SimpleChannelInboundHandler<TextWebSocketFrame>() {
                                        @Override
                                        protected void channelRead0(ChannelHandlerContext ctx, TextWebSocketFrame frame) {
                                            ctx.writeAndFlush(new TextWebSocketFrame("echo: " + frame.text()));
                                        }
                                    });
                        }
                    }).bind(InetAddress.getLoopbackAddress(), 0).sync().channel();
        }

        int port() {
            return ((java.net.InetSocketAddress) server.localAddress()).getPort();
        }

        @Override
        public void close() {
            server.close().syncUninterruptibly();
        }
    }
}
