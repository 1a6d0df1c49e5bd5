package dev.hoop.agent.transport;

import static dev.hoop.agent.transport.Packets.WAIT;

import dev.hoop.agent.tcp.TcpHandlers;
import dev.hoop.common.dsn.AgentDsn;
import dev.hoop.common.grpc.ChannelSettings;
import dev.hoop.common.grpc.GatewayTarget;
import dev.hoop.common.netty.EventLoops;
import io.netty.channel.EventLoopGroup;
import java.io.IOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;

/** A gateway peer over real gRPC and the agent's event loop, started and stopped around each test; agents made here are closed after it. */
abstract class AgentFixture {
    static final String SECRET = "xagt-0123456789abcdef0123456789";
    final List<AutoCloseable> cleanup = new ArrayList<>();
    TestGateway gateway;
    EventLoopGroup io;

    @BeforeEach
    void start() throws IOException {
        gateway = new TestGateway(SECRET);
        io = EventLoops.newGroup(1, "agent-io");
    }

    @AfterEach
    void stop() throws Exception {
        for (AutoCloseable c : cleanup.reversed()) {
            c.close();
        }
        gateway.close();
        io.shutdownGracefully(0, 5, TimeUnit.SECONDS).sync();
    }

    AgentController agent(String secret) {
        // as AgentRuntime wires it
        return agent(secret, new HandlerRegistry().tcp(new TcpHandlers(io)).postgres(new dev.hoop.agent.postgres.PostgresHandlers(io)));
    }

    AgentController agent(String secret, HandlerRegistry registry) {
        AgentDsn dsn = AgentDsn.parse("grpc://test-agent:" + secret + "@127.0.0.1:" + gateway.port());
        AgentController c = new AgentController(AgentIdentity.of(dsn), GatewayTarget.of(dsn), ChannelSettings.defaults(),
                registry, Map.of("PATH", System.getenv("PATH"), "HOOP_KEY", dsn.format()), io);
        cleanup.add(c);
        return c.start();
    }

    static void await(BooleanSupplier condition, String what) throws InterruptedException {
        await(condition, what, WAIT);
    }

    static void await(BooleanSupplier condition, String what, Duration within) throws InterruptedException {
        long deadline = System.nanoTime() + within.toNanos();
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError("timed out after " + within + " waiting for: " + what);
            }
            java.util.concurrent.locks.LockSupport.parkNanos(10_000_000);
        }
    }
}
