package dev.hoop.router.proxy;

import io.netty.channel.Channel;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelPipeline;
import io.netty.handler.codec.http.HttpDecoderConfig;
import io.netty.handler.codec.http2.Http2FrameCodecBuilder;
import io.netty.handler.codec.http2.Http2MultiplexHandler;
import io.netty.handler.codec.http2.Http2StreamChannel;
import io.netty.handler.codec.http2.Http2StreamFrameToHttpObjectCodec;
import io.netty.handler.ssl.ApplicationProtocolNames;
import io.netty.handler.ssl.ApplicationProtocolNegotiationHandler;
import io.netty.handler.ssl.SniHandler;
import io.netty.handler.ssl.SslContext;
import io.netty.handler.timeout.IdleStateHandler;
import io.netty.util.Mapping;

/**
 * The client-side pipeline, in one place: [TLS with SNI → ALPN] → HTTP/1.1 codec with the RFC 9112
 * checks ({@link RequestCodec}; or HTTP/2 frames → one child channel per stream with an HTTP/1 view) → idle timeout → {@link FrontendHandler}
 * (lookup, backend choice, relay, access log).
 */
final class RouterInitializer extends ChannelInitializer<Channel> {
    private final ProxyServices services;
    private final Mapping<String, SslContext> tls;

    /** @param tls SNI mapping for an https listener, null for plain http */
    RouterInitializer(ProxyServices services, Mapping<String, SslContext> tls) {
        this.services = services;
        this.tls = tls;
    }

    @Override
    protected void initChannel(Channel ch) {
        ChannelPipeline p = ch.pipeline();
        if (tls == null) {
            http1(p, "http");
            return;
        }
        p.addLast("sni", new SniHandler(tls));
        p.addLast("alpn", new ApplicationProtocolNegotiationHandler(ApplicationProtocolNames.HTTP_1_1) {
            @Override
            protected void configurePipeline(ChannelHandlerContext ctx, String protocol) {
                if (ApplicationProtocolNames.HTTP_2.equals(protocol)) {
                    http2(ctx.pipeline());
                } else {
                    http1(ctx.pipeline(), "https");
                }
            }
        });
    }

    private void http1(ChannelPipeline p, String scheme) {
        // Netty's defaults bound header size (8 KB line, 8 KB headers); larger is a 400, not a crash. Strict
        // line endings and RFC 9112 transfer codings: requests a backend could frame differently are refused.
        p.addLast("codec", new RequestCodec(new HttpDecoderConfig().setMaxHeaderSize(16 * 1024)
                .setStrictLineParsing(true).setUseRfc9112TransferEncoding(true)));
        p.addLast("idle", new IdleStateHandler(0, 0, services.settings.tcpTimeout()));
        p.addLast("frontend", new FrontendHandler(services, scheme));
    }

    private void http2(ChannelPipeline p) {
        p.addLast("h2", Http2FrameCodecBuilder.forServer().build());
        p.addLast("h2-streams", new Http2MultiplexHandler(new ChannelInitializer<Http2StreamChannel>() {
            @Override
            protected void initChannel(Http2StreamChannel stream) {
                stream.pipeline().addLast("codec", new Http2StreamFrameToHttpObjectCodec(true));
                stream.pipeline().addLast("frontend", new FrontendHandler(services, "https"));
            }
        }));
    }
}
