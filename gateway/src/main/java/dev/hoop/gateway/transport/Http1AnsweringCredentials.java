package dev.hoop.gateway.transport;

import io.grpc.ServerCredentials;
import io.grpc.netty.GrpcHttp2ConnectionHandler;
import io.grpc.netty.InternalNettyServerCredentials;
import io.grpc.netty.InternalProtocolNegotiator;
import io.grpc.netty.InternalProtocolNegotiators;
import io.netty.channel.ChannelHandler;
import io.netty.util.AsciiString;
import java.util.function.BooleanSupplier;

/**
 * Plaintext server credentials whose connections start with an {@link Http1Responder}, so that the
 * gRPC port also answers HTTP/1.1 health checks (the target group of a load balancer that
 * terminates TLS). grpc-java has no public hook in front of its HTTP/2 handler; its
 * {@code Internal*} negotiator API is the one meant for such transport extensions. With TLS on the
 * port the bytes are encrypted at this point, so TLS credentials are used as they are.
 */
final class Http1AnsweringCredentials {
    private Http1AnsweringCredentials() {}

    static ServerCredentials plaintext(BooleanSupplier serving) {
        InternalProtocolNegotiator.ProtocolNegotiator plaintext = InternalProtocolNegotiators.serverPlaintext();
        return InternalNettyServerCredentials.create(new InternalProtocolNegotiator.ProtocolNegotiator() {
            @Override
            public AsciiString scheme() {
                return plaintext.scheme();
            }

            @Override
            public ChannelHandler newHandler(GrpcHttp2ConnectionHandler grpcHandler) {
                return new Http1Responder(plaintext.newHandler(grpcHandler), serving);
            }

            @Override
            public void close() {
                plaintext.close();
            }
        });
    }
}
