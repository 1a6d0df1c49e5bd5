package dev.hoop.agent.transport;

import com.google.common.util.concurrent.MoreExecutors;
import dev.hoop.common.Causes;
import dev.hoop.common.grpc.ChannelSettings;
import dev.hoop.common.grpc.GatewayChannels;
import dev.hoop.common.grpc.GatewayTarget;
import dev.hoop.common.grpc.GrpcErrors;
import dev.hoop.common.retry.Backoff;
import dev.hoop.common.wire.GatewayPacket;
import dev.hoop.common.wire.Wire;
import dev.hoop.proto.Packet;
import dev.hoop.proto.TransportGrpc;
import io.grpc.ManagedChannel;
import io.grpc.Status;
import io.grpc.stub.MetadataUtils;
import io.netty.channel.EventLoopGroup;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The agent's link to the gateway: opens the {@code Connect} stream, serves it until it ends,
 * then reconnects, forever, with {@link Backoff#reconnect()} (1 s up to 30 s, jittered). While
 * waiting it watches the gateway's port so that it serves again within about half a second of the
 * gateway coming back. A rejected key ({@code UNAUTHENTICATED}) or a second agent with the same key
 * ({@code FAILED_PRECONDITION}) is logged as such and retried at the slow pace.
 */
public final class AgentController implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(AgentController.class);
    public static final String KEY_REJECTED =
            "agent key rejected by the gateway: revoked or wrong; create a new one with hoop admin create agent"
                    + " (a client key: hoop admin create clientkeys NAME --overwrite)";

    /**
     * How much may wait in the stream's send buffer before senders are held back. gRPC's default
     * (32 KiB) is one output chunk, which turns every chunk into a wait for onReady; 1 MiB keeps
     * the pipe full and still bounds what the agent buffers.
     */
    static final int ON_READY_THRESHOLD_BYTES = 1024 * 1024;

    private final AgentIdentity identity;
    private final GatewayTarget target;
    private final ChannelSettings settings;
    private final HandlerRegistry registry;
    private final Map<String, String> agentEnv;
    private final EventLoopGroup loops;
    private final dev.hoop.agent.dlp.MaskingProvider masking;
    private final CountDownLatch stopped = new CountDownLatch(1);
    private final ScheduledExecutorService timer = Executors.newSingleThreadScheduledExecutor(
            Thread.ofPlatform().name("agent-keepalive").daemon(true).factory());
    private final AtomicReference<GatewayStream> current = new AtomicReference<>();
    private final AtomicInteger attempts = new AtomicInteger();
    private final AtomicInteger connections = new AtomicInteger();
    private final AtomicInteger failures = new AtomicInteger();
    private volatile Duration keepAliveEvery = Wire.KEEP_ALIVE_INTERVAL;
    private volatile AgentMetrics metrics = AgentMetrics.withoutJvm();
    /** The sessions of the stream being served, for the metrics' gauge. */
    private volatile Dispatcher serving;
    private volatile String lastError;
    private volatile boolean online;
    private Thread loop;

    /**
     * @param agentEnv the environment the agent's commands start from (its own secrets are removed)
     * @param loops    the event loops of the gateway stream, shared with the handlers' sockets
     */
    public AgentController(AgentIdentity identity, GatewayTarget target, ChannelSettings settings,
                           HandlerRegistry registry, Map<String, String> agentEnv, EventLoopGroup loops) {
        this(identity, target, settings, registry, agentEnv, loops, dev.hoop.agent.dlp.MaskingProvider.BUILT_IN);
    }

    /** @param masking where the sessions' maskers come from (the built-in engine, or Google DLP) */
    public AgentController(AgentIdentity identity, GatewayTarget target, ChannelSettings settings,
                           HandlerRegistry registry, Map<String, String> agentEnv, EventLoopGroup loops,
                           dev.hoop.agent.dlp.MaskingProvider masking) {
        this.masking = java.util.Objects.requireNonNull(masking, "masking");
        this.identity = identity;
        this.target = target;
        this.settings = settings;
        this.registry = registry;
        this.agentEnv = Map.copyOf(agentEnv);
        this.loops = loops;
    }

    /** Starts the reconnect loop on its own thread. */
    public synchronized AgentController start() {
        if (loop == null) {
            loop = Thread.ofPlatform().name("agent-stream").start(this::run);
        }
        return this;
    }

    private void run() {
        Backoff backoff = Backoff.reconnect();
        ReconnectWait wait = new ReconnectWait(target, stopped);
        while (stopped.getCount() > 0) {
            Outcome outcome;
            try {
                attempts.incrementAndGet();
                outcome = serveOnce();
            } catch (RuntimeException e) {
                log.error("gateway stream failed unexpectedly; reconnecting", e);
                outcome = new Outcome(false, Status.UNKNOWN.withDescription(e.toString()));
            }
            if (stopped.getCount() == 0) {
                break;
            }
            if (outcome.accepted()) {
                backoff.reset();
            }
            Duration delay = backoff.next();
            log.info("reconnecting to {} in {} ms (attempt {})", target, delay.toMillis(), backoff.attempts());
            try {
                // Only a gateway that could not be reached is watched for its return.
                boolean unreachable = outcome.status().getCode() == Status.Code.UNAVAILABLE;
                if (wait.await(delay, unreachable, unreachable && refused(outcome.status()))) {
                    break;
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                break;
            }
        }
        log.info("agent stopped");
    }

    private static boolean refused(Status status) {
        Throwable cause = status.getCause();
        return cause != null && (Causes.has(cause, java.net.ConnectException.class) || Causes.mentions(cause, "Connection refused"));
    }

    /** How one stream ended: whether the gateway had accepted the agent, and the final status. */
    private record Outcome(boolean accepted, Status status) {}

    /** Opens one stream and serves it until it ends. */
    private Outcome serveOnce() {
        log.debug("opening the gateway stream to {} (attempt {}, {})", target, attempts.get(), settings);
        ManagedChannel channel = GatewayChannels.open(target, settings, loops);
        GatewayStream stream = new GatewayStream();
        AgentMetrics m = metrics;
        Dispatcher dispatcher = new Dispatcher(registry, p -> {
            m.toGateway(p.getPayload().size());
            return stream.send(p);
        }, agentEnv, masking, m);
        stream.dispatchTo(p -> {
            m.fromGateway(p.getPayload().size());
            return dispatcher.dispatch(p);
        });
        serving = dispatcher;
        ScheduledFuture<?> keepAlive = null;
        try {
            current.set(stream);
            // Callbacks run on the stream's event loop: dispatching a packet is a write queued on
            // its socket (same loops), never a blocking step, so no thread hand-off is needed.
            TransportGrpc.newStub(channel)
                    .withExecutor(MoreExecutors.directExecutor())
                    .withInterceptors(MetadataUtils.newAttachHeadersInterceptor(identity.metadata()))
                    .withOnReadyThreshold(ON_READY_THRESHOLD_BYTES)
                    .connect(stream);
            if (stopped.getCount() == 0) {
                stream.cancel("agent stopping");
            }
            try {
                stream.connected().get();
            } catch (ExecutionException e) {
                Status refused = stream.ended().join();
                report(refused, false);
                failures.incrementAndGet();
                return new Outcome(false, refused);
            }
            online = true;
            connections.incrementAndGet();
            lastError = null;
            log.info("connected to the gateway at {} as agent '{}'", target, identity.dsn().name());
            Packet ping = Packet.newBuilder().setType(GatewayPacket.KEEP_ALIVE).build();
            long every = keepAliveEvery.toMillis();
            keepAlive = timer.scheduleAtFixedRate(() -> stream.sendIfReady(ping), every, every, TimeUnit.MILLISECONDS);
            Status end = stream.ended().join();
            online = false;
            dispatcher.closeAll("the gateway stream was lost: " + end.getCode());
            report(end, true);
            return new Outcome(true, end);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            stream.cancel("agent stopping");
            return new Outcome(false, Status.CANCELLED);
        } finally {
            online = false;
            serving = null;
            current.set(null);
            if (keepAlive != null) {
                keepAlive.cancel(false);
            }
            dispatcher.closeAll("the agent's gateway stream ended");
            channel.shutdownNow();
        }
    }

    private void report(Status status, boolean wasAccepted) {
        String message = describe(status, wasAccepted);
        if (message != null) {
            lastError = message;
            log.warn(message);
        }
    }

    /** @param wasAccepted the stream had been serving: a transport error now is a lost gateway, not a TLS mismatch */
    private String describe(Status status, boolean wasAccepted) {
        if (wasAccepted && status.getCode() == Status.Code.UNAVAILABLE) {
            return "lost the gateway stream (" + status.getDescription() + ")";
        }
        return switch (status.getCode()) {
            // a disabled client key is a known key: the gateway says so, and how to enable it
            case UNAUTHENTICATED -> status.getDescription() != null && status.getDescription().startsWith("client key ")
                    ? "gateway refused the key: " + status.getDescription() : KEY_REJECTED;
            case FAILED_PRECONDITION -> "gateway refused the stream: " + status.getDescription()
                    + " (another agent with this key is online)";
            case CANCELLED -> stopped.getCount() == 0 ? null : "the gateway ended the stream (" + status.getDescription() + ")";
            default -> GrpcErrors.explain(status.asRuntimeException(), target);
        };
    }

    /** Where the link, the sessions and the traffic are counted (HOOP_METRICS_PORT); call before start. */
    public AgentController withMetrics(AgentMetrics agentMetrics) {
        this.metrics = java.util.Objects.requireNonNull(agentMetrics, "agentMetrics");
        agentMetrics.watch(this, () -> {
            Dispatcher d = serving;
            return d == null ? 0 : d.openSessions();
        });
        return this;
    }

    /** Tests shorten the keep-alive interval (default {@link Wire#KEEP_ALIVE_INTERVAL}); call before start. */
    AgentController keepAliveEvery(Duration interval) {
        this.keepAliveEvery = interval;
        return this;
    }

    /** True while a stream is accepted by the gateway. */
    public boolean online() {
        return online;
    }

    /** Streams opened so far (accepted or not). */
    public int attempts() {
        return attempts.get();
    }

    /** Attempts that failed before the gateway accepted the agent. */
    public int failedAttempts() {
        return failures.get();
    }

    /** Streams the gateway accepted so far. */
    public int connections() {
        return connections.get();
    }

    /** Why the last stream failed or ended, as logged; null while none failed since the last success. */
    public String lastError() {
        return lastError;
    }

    /** Blocks until {@link #close()} was called. */
    public void awaitStopped() throws InterruptedException {
        stopped.await();
    }

    /** Ends the stream and the loop; frees every session. */
    @Override
    public void close() {
        stopped.countDown();
        GatewayStream s = current.get();
        if (s != null) {
            s.cancel("agent stopping");
        }
        Thread t;
        synchronized (this) {
            t = loop;
        }
        if (t != null) {
            try {
                t.join(TimeUnit.SECONDS.toMillis(10));
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
        timer.shutdownNow();
    }
}
