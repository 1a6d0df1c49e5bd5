package dev.hoop.agent.tcp;

import dev.hoop.common.wire.ConnectionParams;

/** HOST and PORT of a connection's envs, validated. */
public record TcpAddress(String host, int port) {
    /** @throws IllegalArgumentException naming the connection and the variable */
    public static TcpAddress of(ConnectionParams params) {
        String host = params.envs().get("HOST");
        String port = params.envs().get("PORT");
        if (host == null || host.isBlank()) {
            throw new IllegalArgumentException("connection '" + params.name() + "' has no HOST (expected: the resource's host name or IP)");
        }
        if (port == null || !port.trim().matches("\\d{1,5}") || Integer.parseInt(port.trim()) < 1 || Integer.parseInt(port.trim()) > 65535) {
            throw new IllegalArgumentException("connection '" + params.name() + "' has PORT '" + (port == null ? "" : port)
                    + "' (expected: a port number from 1 to 65535)");
        }
        return new TcpAddress(host.trim(), Integer.parseInt(port.trim()));
    }

    @Override
    public String toString() {
        return (host.contains(":") ? "[" + host + "]" : host) + ":" + port;
    }
}
