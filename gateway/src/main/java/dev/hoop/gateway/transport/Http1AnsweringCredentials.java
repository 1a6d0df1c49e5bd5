package dev.hoop.gateway.transport;

import io.grpc.ServerCredentials;
import io.grpc.internal.ObjectPool;
import io.grpc.netty.GrpcHttp2ConnectionHandler;
import io.grpc.netty.InternalNettyServerCredentials;
import io.grpc.netty.InternalProtocolNegotiator;
import io.netty.channel.ChannelHandler;
import io.netty.util.AsciiString;
import java.util.concurrent.Executor;
import java.util.function.BooleanSupplier;

/**
 * Plaintext server credentials whose connections start with an {@link Http1Responder}, so that the
 * gRPC port also answers HTTP/1.1 health checks (the target group of a load balancer that
 * terminates TLS). grpc-java has no public hook in front of its HTTP/2 handler; its
 * {@code Internal*} negotiator API is the documented way for transports to add one. With TLS on the
 * port the bytes are encrypted at this point, so TLS credentials are used as they are.
 */
final class Http1AnsweringCredentials {
    private Http1AnsweringCredentials() {}

    static ServerCredentials wrap(ServerCredentials plaintext, BooleanSupplier serving) {
        InternalProtocolNegotiator.ServerFactory inner = InternalNettyServerCredentials.toNegotiator(plaintext);
        return InternalNettyServerCredentials.create(new InternalProtocolNegotiator.ServerFactory() {
            @Override
            public InternalProtocolNegotiator.ProtocolNegotiator newNegotiator(ObjectPool<? extends Executor> offloadExecutorPool) {
                var negotiator = inner.newNegotiator(offloadExecutorPool);
                return new InternalProtocolNegotiator.ProtocolNegotiator() {
                    @Override
                    public AsciiString scheme() {
                        return negotiator.scheme();
                    }

                    @Override
                    public ChannelHandler newHandler(GrpcHttp2ConnectionHandler grpcHandler) {
                        return new Http1Responder(negotiator.newHandler(grpcHandler), serving);
                    }

                    @Override
                    public void close() {
                        negotiator.close();
                    }
                };
            }
        });
    }
}
