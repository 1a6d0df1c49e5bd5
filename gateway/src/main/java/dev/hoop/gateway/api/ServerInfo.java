package dev.hoop.gateway.api;

import java.util.Optional;

/** What the API reports about the running gateway: advertised URLs, auth method and health. */
public interface ServerInfo {
    String apiUrl();

    String grpcUrl();

    String authMethod();

    /** Empty when the gateway can serve (database answers, gRPC listening), else the reason. */
    Optional<String> unhealthyReason();
}
