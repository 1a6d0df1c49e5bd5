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
 */
record AgentConfig(AgentDsn dsn, GatewayTarget target, ChannelSettings channel, String logLevel, String logEncoding, boolean logGrpc,
                   java.util.List<String> connectionItems) {
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
        return new AgentConfig(dsn, target, channel, debug ? "debug" : logLevel, logEncoding, logGrpc || debugGrpc,
                ConnectionItems.fromEnv(env));
    }
}
