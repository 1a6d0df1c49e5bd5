package dev.hoop.agent.postgres;

import dev.hoop.common.wire.ConnectionParams;
import java.util.Map;

/**
 * The real server and the stored credentials of a postgres connection, read from the connection's
 * envs: HOST (required), PORT (default 5432), USER (required), PASS (may be empty for trust
 * authentication), DB (default: USER, as libpq does), SSLMODE/SSLROOTCERT (see {@link ServerTls}).
 * {@link #toString()} hides the password.
 */
record PostgresTarget(String host, int port, String user, String password, String database, ServerTls tls) {
    static final int DEFAULT_PORT = 5432;

    /** @throws IllegalArgumentException naming the env var that is missing or wrong */
    static PostgresTarget from(ConnectionParams params) {
        Map<String, String> envs = params.envs();
        String host = required(envs, "HOST");
        String user = required(envs, "USER");
        String portText = envs.getOrDefault("PORT", "").strip();
        int port = DEFAULT_PORT;
        if (!portText.isEmpty()) {
            try {
                port = Integer.parseInt(portText);
            } catch (NumberFormatException e) {
                port = -1;
            }
            if (port < 1 || port > 65535) {
                throw new IllegalArgumentException("PORT: '" + portText + "' (expected: a number from 1 to 65535)");
            }
        }
        String database = envs.getOrDefault("DB", "").strip();
        return new PostgresTarget(host, port, user, envs.getOrDefault("PASS", ""), database.isEmpty() ? user : database,
                ServerTls.from(envs));
    }

    private static String required(Map<String, String> envs, String name) {
        String value = envs.getOrDefault(name, "").strip();
        if (value.isEmpty()) {
            throw new IllegalArgumentException(name + ": missing (expected: set in the connection's secrets)");
        }
        return value;
    }

    String address() {
        return host + ":" + port;
    }

    @Override
    public String toString() {
        return "PostgresTarget[" + address() + ", user=" + user + ", database=" + database + ", sslmode=" + tls.mode().text + "]";
    }
}
