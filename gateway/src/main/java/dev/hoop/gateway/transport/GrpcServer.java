package dev.hoop.gateway.transport;

import dev.hoop.common.netty.EventLoops;
import dev.hoop.common.wire.Wire;
import dev.hoop.gateway.auth.Authenticator;
import dev.hoop.gateway.broker.AgentDirectory;
import dev.hoop.gateway.broker.ClientKeyAgents;
import dev.hoop.gateway.broker.StreamRouter;
import dev.hoop.gateway.store.Agents;
import io.grpc.Server;
import io.grpc.ServerCredentials;
import io.grpc.ServerInterceptors;
import io.grpc.TlsServerCredentials;
import io.grpc.health.v1.HealthCheckResponse.ServingStatus;
import io.grpc.netty.NettyServerBuilder;
import io.grpc.protobuf.services.HealthStatusManager;
import io.netty.channel.EventLoopGroup;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.BooleanSupplier;
import javax.net.ssl.KeyManager;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The gRPC server (8010): {@code Transport} behind {@link StreamAuthInterceptor}, and the standard
 * {@code grpc.health.v1} service whose status follows the database ({@link #setServing}). Each call
 * runs on a {@link CallExecutor}: virtual threads while it is set up, then its event loop. 16 MiB
 * messages; keep-alive pings allowed every 10 s.
 */
public final class GrpcServer implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(GrpcServer.class);
    private final Server server;
    private final HealthStatusManager health;
    /** What the HTTP/1.1 health check answers: the last status the health loop set (never a database call on an event loop). */
    private final AtomicBoolean serving;
    private final AtomicBoolean stopping = new AtomicBoolean();
    private final ExecutorService executor;
    private final EventLoopGroup boss;
    private final EventLoopGroup workers;

    /**
     * Event loops for the streams. Few, because a session's packets cross from its client's
     * connection to its agent's: on one loop that is a plain method call, across two loops a
     * hand-off. Half the cores leaves the others to the agent, clients and database beside it.
     */
    static final int WORKER_THREADS = Math.max(1, Runtime.getRuntime().availableProcessors() / 2);

    private GrpcServer(Server server, HealthStatusManager health, AtomicBoolean serving, ExecutorService executor,
                       EventLoopGroup boss, EventLoopGroup workers) {
        this.server = server;
        this.serving = serving;
        this.health = health;
        this.executor = executor;
        this.boss = boss;
        this.workers = workers;
    }

    /**
     * @param keyManagers null for plaintext
     */
    public static GrpcServer start(String host, int port, KeyManager[] keyManagers, StreamRouter router, AgentDirectory directory,
                                   Agents agents, Authenticator users, BooleanSupplier healthy) {
        return start(host, port, keyManagers, router, directory, agents, users, null, healthy);
    }

    /** @param clientKeyAgents signs in agents of client keys (null: agent keys only) */
    public static GrpcServer start(String host, int port, KeyManager[] keyManagers, StreamRouter router, AgentDirectory directory,
                                   Agents agents, Authenticator users, ClientKeyAgents clientKeyAgents, BooleanSupplier healthy) {
        AtomicBoolean serving = new AtomicBoolean(true);
        // plaintext: HTTP/1.1 health checks (GET / and /healthz) are answered on this port too
        ServerCredentials creds = keyManagers == null ? Http1AnsweringCredentials.plaintext(serving::get)
                : TlsServerCredentials.newBuilder().keyManager(keyManagers).build();
        HealthStatusManager health = new HealthStatusManager();
        ExecutorService executor = Executors.newThreadPerTaskExecutor(Thread.ofVirtual().name("grpc-call-", 0).factory());
        TransportService transport = new TransportService(router, directory, healthy);
        EventLoopGroup boss = EventLoops.newGroup(1, "grpc-accept");
        EventLoopGroup workers = EventLoops.newGroup(WORKER_THREADS, "grpc-io");
        Server server = NettyServerBuilder.forAddress(new InetSocketAddress(host, port), creds)
                .bossEventLoopGroup(boss)
                .workerEventLoopGroup(workers)
                .channelType(EventLoops.serverSocketChannel())
                .executor(executor)
                .callExecutor(CallExecutor.perCall(executor))
                .maxInboundMessageSize(Wire.MAX_MESSAGE_BYTES)
                .permitKeepAliveTime(Wire.KEEP_ALIVE_INTERVAL.toSeconds(), TimeUnit.SECONDS)
                .permitKeepAliveWithoutCalls(true)
                .addService(ServerInterceptors.intercept(transport, new StreamAuthInterceptor(agents, users, clientKeyAgents)))
                .addService(health.getHealthService())
                .build();
        try {
            server.start();
        } catch (IOException e) {
            executor.shutdownNow();
            boss.shutdownGracefully(0, 0, TimeUnit.SECONDS);
            workers.shutdownGracefully(0, 0, TimeUnit.SECONDS);
            throw new UncheckedIOException("gRPC: cannot listen on " + host + ":" + port + " (" + e.getMessage()
                    + "; set HOOP_GRPC_PORT to a free port)", e);
        }
        log.info("grpc: listening on {}:{} ({})", host, server.getPort(), keyManagers == null ? "plaintext" : "TLS");
        return new GrpcServer(server, health, serving, executor, boss, workers);
    }

    public int port() {
        return server.getPort();
    }

    public boolean listening() {
        return !server.isShutdown();
    }

    public void setServing(boolean serving) {
        this.serving.set(serving && !stopping.get());
        ServingStatus s = serving ? ServingStatus.SERVING : ServingStatus.NOT_SERVING;
        health.setStatus(HealthStatusManager.SERVICE_NAME_ALL_SERVICES, s);
        health.setStatus("pb.Transport", s);
    }

    /** Stops accepting, lets calls finish for up to {@code graceMillis}, then cancels the rest (agent streams live forever). */
    /** Shutdown, first step: no new calls; the open streams go on until the broker ends them. */
    public void stopAccepting() {
        serving.set(false);
        if (stopping.compareAndSet(false, true)) {
            health.enterTerminalState(); // a second call would log a warning
        }
        server.shutdown();
    }

    public void shutdown(long graceMillis) {
        stopAccepting();
        try {
            if (!server.awaitTermination(graceMillis, TimeUnit.MILLISECONDS)) {
                server.shutdownNow();
                server.awaitTermination(2, TimeUnit.SECONDS);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            server.shutdownNow();
        }
        executor.shutdownNow();
        boss.shutdownGracefully(0, 1, TimeUnit.SECONDS);
        workers.shutdownGracefully(0, 1, TimeUnit.SECONDS);
    }

    @Override
    public void close() {
        shutdown(2000);
    }
}
