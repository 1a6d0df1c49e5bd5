package dev.hoop.gateway;

import dev.hoop.gateway.api.ServerInfo;
import dev.hoop.gateway.store.Database;
import dev.hoop.gateway.transport.GrpcServer;
import java.util.Optional;

/**
 * What the API reports about this gateway: its advertised URLs, auth method and health. Apart from
 * {@link GatewayServer} because the API is wired before the ports are bound: the URLs are set once
 * during start, when each server listens, and only read after.
 */
final class GatewayInfo implements ServerInfo {
    private final String authMethod;
    private final Database db;
    private volatile String apiUrl;
    private volatile String grpcUrl;
    private volatile GrpcServer grpc;

    GatewayInfo(String authMethod, Database db) {
        this.authMethod = authMethod;
        this.db = db;
    }

    /** Start: the gRPC server listens, at {@code url} as advertised. */
    void grpcListening(GrpcServer server, String url) {
        this.grpc = server;
        this.grpcUrl = url;
    }

    /** Start: the HTTP server listens, at {@code url} as advertised. */
    void apiListening(String url) {
        this.apiUrl = url;
    }

    @Override
    public String apiUrl() {
        return apiUrl;
    }

    @Override
    public String grpcUrl() {
        return grpcUrl;
    }

    @Override
    public String authMethod() {
        return authMethod;
    }

    @Override
    public Optional<String> unhealthyReason() {
        GrpcServer g = grpc;
        if (g == null || !g.listening()) {
            return Optional.of("gRPC server is not listening");
        }
        return db.check(GatewayServer.HEALTH_TIMEOUT);
    }
}
