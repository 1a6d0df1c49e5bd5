package dev.hoop.router.metrics;

import io.netty.bootstrap.ServerBootstrap;
import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.ServerChannel;
import io.netty.channel.SimpleChannelInboundHandler;
import io.netty.handler.codec.http.DefaultFullHttpResponse;
import io.netty.handler.codec.http.FullHttpRequest;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpObjectAggregator;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.HttpServerCodec;
import io.netty.handler.codec.http.HttpUtil;
import io.netty.handler.codec.http.HttpVersion;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;

/** The admin listener: {@code GET /metrics} in Prometheus' text format, nothing else. */
public final class MetricsServer implements AutoCloseable {
    private final Channel channel;

    public MetricsServer(RouterMetrics metrics, String address, int port, EventLoopGroup group,
                         Class<? extends ServerChannel> channelClass) throws InterruptedException {
        this.channel = new ServerBootstrap().group(group).channel(channelClass)
                .childHandler(new ChannelInitializer<Channel>() {
                    @Override
                    protected void initChannel(Channel ch) {
                        ch.pipeline().addLast(new HttpServerCodec(), new HttpObjectAggregator(8192),
                                new SimpleChannelInboundHandler<FullHttpRequest>() {
                                    @Override
                                    protected void channelRead0(ChannelHandlerContext ctx, FullHttpRequest req) {
                                        boolean found = req.uri().equals("/metrics") || req.uri().startsWith("/metrics?");
                                        String body = found ? metrics.render() : "not found: try GET /metrics\n";
                                        FullHttpResponse r = new DefaultFullHttpResponse(HttpVersion.HTTP_1_1,
                                                found ? HttpResponseStatus.OK : HttpResponseStatus.NOT_FOUND,
                                                Unpooled.copiedBuffer(body, StandardCharsets.UTF_8));
                                        r.headers().set(HttpHeaderNames.CONTENT_TYPE, "text/plain; version=0.0.4; charset=utf-8");
                                        HttpUtil.setContentLength(r, r.content().readableBytes());
                                        boolean keep = HttpUtil.isKeepAlive(req);
                                        HttpUtil.setKeepAlive(r, keep);
                                        var f = ctx.writeAndFlush(r);
                                        if (!keep) {
                                            f.addListener(ChannelFutureListener.CLOSE);
                                        }
                                    }
                                });
                    }
                }).bind(address, port).sync().channel();
    }

    public InetSocketAddress address() {
        return (InetSocketAddress) channel.localAddress();
    }

    @Override
    public void close() {
        channel.close().syncUninterruptibly();
    }
}
