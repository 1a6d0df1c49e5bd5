package dev.hoop.agent.http;

import dev.hoop.common.http.HttpFraming;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.socket.SocketChannel;
import io.netty.handler.codec.http.HttpClientCodec;
import io.netty.handler.codec.http.HttpDecoderConfig;
import io.netty.handler.ssl.SslContext;
import io.netty.handler.ssl.SslHandler;
import javax.net.ssl.SSLEngine;
import javax.net.ssl.SSLParameters;

/** The agent's connection to the target: TLS for https (certificate and host name verified), the HTTP codec, the relay. */
final class TargetInitializer extends ChannelInitializer<SocketChannel> {
    /** Response heads may be larger than requests' (cookies, CSP); bodies are streamed in pieces of this size. */
    static final int MAX_RESPONSE_HEADER_BYTES = 64 * 1024;

    private final HttpTarget target;
    private final HttpConnection connection;
    private final SslContext tls;

    TargetInitializer(HttpTarget target, HttpConnection connection, SslContext tls) {
        this.target = target;
        this.connection = connection;
        this.tls = tls;
    }

    @Override
    protected void initChannel(SocketChannel ch) {
        if (target.tls()) {
            SslHandler ssl = tls.newHandler(ch.alloc(), target.host(), target.port());
            SSLEngine engine = ssl.engine();
            SSLParameters params = engine.getSSLParameters();
            params.setEndpointIdentificationAlgorithm("HTTPS");
            engine.setSSLParameters(params);
            ch.pipeline().addLast("tls", ssl);
        }
        ch.pipeline().addLast("codec", new HttpClientCodec(new HttpDecoderConfig()
                .setMaxHeaderSize(MAX_RESPONSE_HEADER_BYTES).setMaxChunkSize(HttpFraming.MAX_CHUNK), false, false));
        ch.pipeline().addLast("relay", new TargetHandler(connection));
        connection.codec(ch.pipeline().context("codec"));
    }
}
