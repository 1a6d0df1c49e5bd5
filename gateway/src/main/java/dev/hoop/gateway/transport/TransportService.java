package dev.hoop.gateway.transport;

import dev.hoop.gateway.broker.AgentDirectory;
import dev.hoop.gateway.broker.StreamPeer;
import dev.hoop.gateway.broker.StreamRouter;
import dev.hoop.proto.HealthCheckRequest;
import dev.hoop.proto.HealthCheckResponse;
import dev.hoop.proto.Packet;
import dev.hoop.proto.PreConnectRequest;
import dev.hoop.proto.PreConnectResponse;
import dev.hoop.proto.TransportGrpc;
import io.grpc.stub.ServerCallStreamObserver;
import io.grpc.stub.StreamObserver;
import java.util.function.BooleanSupplier;

/**
 * The {@code Transport} service: {@code Connect} hands the stream, already authenticated by
 * {@link StreamAuthInterceptor}, to the {@link StreamRouter}; {@code PreConnect} tells an agent
 * whether to connect now; {@code HealthCheck} answers from the database health.
 */
final class TransportService extends TransportGrpc.TransportImplBase {
    private final StreamRouter router;
    private final AgentDirectory directory;
    private final BooleanSupplier healthy;

    TransportService(StreamRouter router, AgentDirectory directory, BooleanSupplier healthy) {
        this.router = router;
        this.directory = directory;
        this.healthy = healthy;
    }

    @Override
    public StreamObserver<Packet> connect(StreamObserver<Packet> responseObserver) {
        ServerCallStreamObserver<Packet> out = (ServerCallStreamObserver<Packet>) responseObserver;
        StreamPeer peer = StreamAuthInterceptor.PEER.get();
        Runnable setUp = CallExecutor.switchOfCurrentCall();
        return switch (peer) {
            case StreamPeer.AgentPeer a -> router.agentStream(a, out, setUp);
            case StreamPeer.ClientPeer c -> router.clientStream(c, out, setUp);
        };
    }

    @Override
    public void preConnect(PreConnectRequest request, StreamObserver<PreConnectResponse> responseObserver) {
        StreamPeer.AgentPeer agent = (StreamPeer.AgentPeer) StreamAuthInterceptor.PEER.get();
        PreConnectResponse.Builder r = PreConnectResponse.newBuilder();
        if (directory.isOnline(agent.agent().id())) {
            r.setStatus("BACKOFF").setMessage("agent already connected");
        } else {
            r.setStatus("CONNECT");
        }
        responseObserver.onNext(r.build());
        responseObserver.onCompleted();
    }

    @Override
    public void healthCheck(HealthCheckRequest request, StreamObserver<HealthCheckResponse> responseObserver) {
        responseObserver.onNext(HealthCheckResponse.newBuilder().setStatus(healthy.getAsBoolean() ? "SERVING" : "NOT_SERVING").build());
        responseObserver.onCompleted();
    }
}
