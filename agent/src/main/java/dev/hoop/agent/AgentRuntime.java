package dev.hoop.agent;

import dev.hoop.agent.dlp.MaskingProvider;
import dev.hoop.agent.dlp.gcp.GoogleDlp;
import dev.hoop.agent.http.HttpHandlers;
import dev.hoop.agent.postgres.PostgresHandlers;
import dev.hoop.agent.tcp.TcpHandlers;
import dev.hoop.agent.transport.AgentController;
import dev.hoop.agent.transport.AgentIdentity;
import dev.hoop.agent.transport.AgentMetrics;
import dev.hoop.agent.transport.HandlerRegistry;
import dev.hoop.common.dsn.AgentDsn;
import dev.hoop.common.grpc.ChannelSettings;
import dev.hoop.common.grpc.GatewayTarget;
import dev.hoop.common.netty.EventLoops;
import io.netty.channel.EventLoopGroup;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * A running agent: its event loops, the connection handlers of every type it serves, and the
 * stream controller that keeps it connected to the gateway. {@code hoop start agent} runs one;
 * {@code hoop start} (all-in-one) runs one beside the gateway in the same process.
 */
public final class AgentRuntime implements AutoCloseable {
    /**
     * One event loop for the gateway stream and every socket it relays: all of the agent's traffic
     * crosses that one HTTP/2 connection, which Netty serves on one thread anyway, and sockets on the
     * same thread take and give packets without a hand-off.
     */
    private static final int IO_THREADS = 1;

    private final EventLoopGroup io;
    private final AgentController controller;

    private final MaskingProvider masking;

    private AgentRuntime(EventLoopGroup io, AgentController controller, MaskingProvider masking) {
        this.masking = masking;
        this.io = io;
        this.controller = controller;
    }

    /**
     * Starts serving: connects (and keeps reconnecting) to the gateway at {@code target}.
     *
     * @param connectionItems HOOP_CONNECTION's items in publishing mode, else empty
     * @param commandEnv      the environment the agent's commands inherit (less the agent's secrets); a set
     *                        GOOGLE_APPLICATION_CREDENTIALS_JSON makes Google DLP the masking provider
     * @throws dev.hoop.common.config.ConfigException when the Google DLP settings are wrong
     */
    public static AgentRuntime start(AgentDsn dsn, GatewayTarget target, ChannelSettings channel, List<String> connectionItems,
                                     Map<String, String> commandEnv) {
        return start(dsn, target, channel, connectionItems, commandEnv, AgentMetrics.withoutJvm());
    }

    /** {@link #start(AgentDsn, GatewayTarget, ChannelSettings, List, Map)}, counting into {@code metrics}. */
    public static AgentRuntime start(AgentDsn dsn, GatewayTarget target, ChannelSettings channel, List<String> connectionItems,
                                     Map<String, String> commandEnv, AgentMetrics metrics) {
        // Read before anything starts: a wrong GOOGLE_APPLICATION_CREDENTIALS_JSON stops the agent with the reason.
        MaskingProvider masking = GoogleDlp.fromEnv(commandEnv).orElse(MaskingProvider.BUILT_IN);
        EventLoopGroup io = EventLoops.newGroup(IO_THREADS, "agent-io");
        HandlerRegistry registry = new HandlerRegistry().tcp(new TcpHandlers(io)).postgres(new PostgresHandlers(io))
                .http(new HttpHandlers(io));
        AgentIdentity identity = AgentIdentity.of(dsn).publishing(connectionItems);
        AgentController controller = new AgentController(identity, target, channel, registry, commandEnv, io, masking).withMetrics(metrics);
        controller.start();
        return new AgentRuntime(io, controller, masking);
    }

    /** What masks the sessions' data, for the start-up log line (never the credentials). */
    public String maskingProvider() {
        return masking == MaskingProvider.BUILT_IN ? "the built-in engine" : masking.toString();
    }

    public void awaitStopped() throws InterruptedException {
        controller.awaitStopped();
    }

    @Override
    public void close() {
        controller.close();
        io.shutdownGracefully(0, 5, TimeUnit.SECONDS);
    }
}
