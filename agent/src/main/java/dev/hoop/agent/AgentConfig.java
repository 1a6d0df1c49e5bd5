package dev.hoop.agent;

import dev.hoop.common.config.ConfigException;
import dev.hoop.common.config.Env;
import dev.hoop.common.dsn.AgentDsn;
import dev.hoop.common.grpc.ChannelSettings;
import dev.hoop.common.grpc.GatewayChannels;
import dev.hoop.common.grpc.GatewayTarget;
import java.util.Set;

/**
 * The agent's configuration, read once from the environment and validated; every default is here.
 *
 * @param dsn       HOOP_KEY, or HOOP_DSN when HOOP_KEY is unset (required)
 * @param target    the gateway's gRPC address, from the key
 * @param channel   HOOP_TLSCA, TLS_SERVER_NAME, HOOP_ALLOW_PLAINTEXT
 * @param logLevel  LOG_LEVEL: debug, info (default), warn, error; --debug forces debug
 * @param logEncoding LOG_ENCODING: json (default) or console
 * @param logGrpc   LOG_GRPC: gRPC frame logging (default off); --debug-grpc forces it on
 * @param connectionItems HOOP_CONNECTION: connections this agent publishes (default none)
 * @param metricsPort HOOP_METRICS_PORT: where {@code GET /metrics} is served; null (the default): no metrics served
 * @param metricsAddr HOOP_METRICS_ADDR: the address it listens on (default 127.0.0.1: this host only)
 */
record AgentConfig(AgentDsn dsn, GatewayTarget target, ChannelSettings channel, String logLevel, String logEncoding, boolean logGrpc,
                   java.util.List<String> connectionItems, Integer metricsPort, String metricsAddr) {
    static final String DEFAULT_METRICS_ADDR = "127.0.0.1";
    static final String DEFAULT_LOG_LEVEL = "info";
    static final String DEFAULT_LOG_ENCODING = "json";

    /** @throws ConfigException naming the variable and what was expected */
    static AgentConfig fromEnv(Env env, boolean debug, boolean debugGrpc) {
        String logLevel = env.oneOf("LOG_LEVEL", DEFAULT_LOG_LEVEL, Set.of("debug", "info", "warn", "error"));
        String logEncoding = env.oneOf("LOG_ENCODING", DEFAULT_LOG_ENCODING, Set.of("json", "console"));
        boolean logGrpc = env.bool("LOG_GRPC", false);
        String variable = env.raw("HOOP_KEY") != null ? "HOOP_KEY" : "HOOP_DSN";
        String key = env.raw(variable);
        if (key == null) {
            throw new ConfigException("HOOP_KEY: not set (expected: the agent key printed by 'hoop admin create agent', "
                    + "grpcs://NAME:xagt-SECRET@HOST:PORT; HOOP_DSN is accepted too)");
        }
        AgentDsn dsn;
        try {
            dsn = AgentDsn.parse(key);
        } catch (IllegalArgumentException e) {
            throw new ConfigException(variable + ": " + e.getMessage(), e);
        }
        GatewayTarget target = GatewayTarget.of(dsn);
        ChannelSettings channel = ChannelSettings.fromEnv(env);
        try {
            GatewayChannels.check(target, channel);
        } catch (ConfigException e) {
            throw new ConfigException(variable + ": " + e.getMessage(), e);
        }
        Integer metricsPort = env.raw("HOOP_METRICS_PORT") == null ? null : env.port("HOOP_METRICS_PORT", 0);
        String metricsAddr = env.parsed("HOOP_METRICS_ADDR", DEFAULT_METRICS_ADDR, v -> {
            if (!v.matches("[A-Za-z0-9.:\\[\\]-]{1,253}")) {
                throw new IllegalArgumentException("'" + v + "' (expected: an IP address or host name such as 127.0.0.1 or 0.0.0.0)");
            }
            return v;
        });
        return new AgentConfig(dsn, target, channel, debug ? "debug" : logLevel, logEncoding, logGrpc || debugGrpc,
                ConnectionItems.fromEnv(env), metricsPort, metricsAddr);
    }
}
