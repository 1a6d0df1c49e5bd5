package dev.hoop.agent.postgres;

import dev.hoop.agent.guardrails.SqlGuardrails;
import dev.hoop.agent.dlp.SessionMasking;
import dev.hoop.agent.session.ClientSink;
import dev.hoop.common.guardrails.GuardrailRules;
import dev.hoop.agent.session.ConnectionHandler;
import dev.hoop.common.pgwire.BackendMessages;
import dev.hoop.common.pgwire.ErrorResponse;
import dev.hoop.common.pgwire.StartupPacket;
import io.netty.bootstrap.Bootstrap;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.EventLoop;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One client connection of a postgres session: answers encryption requests with {@code N},
 * takes the client's StartupMessage, opens its own connection to the real server with the
 * stored user and database, authenticates with the stored password, then relays both ways
 * through {@link ClientFilter} and {@link BackendFilter}. Every failure reaches the client as a
 * FATAL ErrorResponse before the connection closes, as does a startup not finished in time.
 *
 * <p>The stages hand over once each: {@link ClientStartup} (the client's startup packets) starts
 * a {@link ServerConnection} (connect, TLS, authentication), whose {@link Handover} installs the
 * relay ({@link ServerRelayHandler}, ending at {@link RelayEnd}).
 *
 * <p>Threading: all state is touched only on {@link #loop}, the event loop that also serves the
 * server channel; {@link #write} and {@link #close} hop onto it.
 */
final class PostgresSession implements ConnectionHandler {
    private static final Logger log = LoggerFactory.getLogger(PostgresSession.class);

    private enum State { STARTUP, CONNECTING, RELAY, CLOSED }

    private final EventLoop loop;
    private final Bootstrap bootstrap;
    private final ClientSink sink;
    private final PostgresTarget target;
    private final String configError;
    private final String connectionName;
    private final RefusalMarkers markers = new RefusalMarkers();
    private final ClientFilter clientFilter;
    private BackendFilter backendFilter;
    private final SessionMasking masking;
    /** The masking stage of the relay, when the session masks results; it follows the client's messages too. */
    private MaskingStage maskingStage;
    private State state = State.STARTUP;
    /** The connection stages until authenticated; then {@link #serverChannel} carries the relay. */
    private ServerConnection server;
    private Channel serverChannel;
    private final Duration startupTimeout;
    private final ScheduledFuture<?> startupTimer;
    private CompletionStage<Void> lastClientWrite = CompletableFuture.completedFuture(null);
    /** Client bytes that arrived before the server was ready, and the write that waits for them. */
    private ByteBuf held;
    private final java.util.List<CompletableFuture<Void>> heldWaiting = new java.util.ArrayList<>();

    /** @param configError why the connection's settings are unusable (sent after the startup), or null */
    PostgresSession(EventLoop loop, Bootstrap bootstrap, ClientSink sink, PostgresTarget target, String configError,
            String connectionName, Duration startupTimeout) {
        this(loop, bootstrap, sink, target, configError, connectionName, startupTimeout, new SqlGuardrails(GuardrailRules.NONE), SessionMasking.OFF);
    }

    /**
     * @param guardrails the connection's statement rules; each block is also told to the sink for the session's record
     * @param masking the connection's data masking (results rewritten before they leave the agent)
     */
    PostgresSession(EventLoop loop, Bootstrap bootstrap, ClientSink sink, PostgresTarget target, String configError,
            String connectionName, Duration startupTimeout, SqlGuardrails guardrails, SessionMasking masking) {
        this.clientFilter = new ClientFilter(new ClientStartup(), markers, guardrails,
                block -> sink.notice(block.describe() + " (connection '" + connectionName + "')"));
        this.masking = masking;
        this.loop = loop;
        this.startupTimeout = startupTimeout;
        this.bootstrap = bootstrap;
        this.sink = sink;
        this.target = target;
        this.configError = configError;
        this.connectionName = connectionName;
        this.startupTimer = loop.schedule(this::startupTimedOut, startupTimeout.toNanos(), TimeUnit.NANOSECONDS);
    }

    @Override
    public CompletionStage<Void> write(byte[] fromClient) {
        CompletableFuture<Void> done = new CompletableFuture<>();
        try {
            loop.execute(() -> {
                try {
                    fromClient(fromClient, done);
                } catch (RuntimeException e) {
                    log.warn("postgres connection '{}': failed on client bytes", connectionName, e);
                    fatal(ErrorResponse.fatal("XX000", "hoop agent error: " + e, null));
                    done.complete(null);
                }
            });
        } catch (RejectedExecutionException e) {
            done.completeExceptionally(new IllegalStateException("the agent is shutting down", e));
        }
        return done;
    }

    @Override
    public void close() {
        loop.execute(() -> {
            state = State.CLOSED;
            releaseHeld();
            startupTimer.cancel(false);
            if (server != null) {
                server.close();
            }
        });
    }

    private void fromClient(byte[] bytes, CompletableFuture<Void> done) {
        if (state == State.CLOSED) {
            done.complete(null);
            return;
        }
        byte[] out = clientFilter.filter(bytes);
        if (out.length == 0 || state == State.CLOSED) {
            done.complete(null);
        } else if (state == State.RELAY) {
            if (maskingStage != null) {
                maskingStage.fromClient(out);
            }
            serverChannel.writeAndFlush(Unpooled.wrappedBuffer(out)).addListener(completes(done));
        } else {
            // Bytes after the StartupMessage but before AuthenticationOk: keep them (one chunk,
            // since the caller waits for `done`) until the server is ready.
            held = held == null ? Unpooled.wrappedBuffer(out) : Unpooled.wrappedBuffer(held, Unpooled.wrappedBuffer(out));
            heldWaiting.add(done);
        }
    }

    /** The client's startup stage: its startup packets and protocol errors, until the relay takes over. */
    private final class ClientStartup implements ClientFilter.Session {
        @Override
        public void startupPacket(StartupPacket packet) {
            switch (packet) {
                case StartupPacket.SslRequest r -> sendToClient(new byte[] {BackendMessages.ENCRYPTION_REFUSED});
                case StartupPacket.GssEncRequest r -> sendToClient(new byte[] {BackendMessages.ENCRYPTION_REFUSED});
                case StartupPacket.CancelRequest cancel -> forwardCancel(cancel);
                case StartupPacket.StartupMessage startup -> connect(startup);
            }
        }

        @Override
        public void malformed(String reason) {
            fatal(ErrorResponse.fatal("08P01", "invalid frontend message: " + reason, null));
        }
    }

    private void connect(StartupPacket.StartupMessage startup) {
        if (configError != null) {
            fatal(ErrorResponse.fatal("08001", "connection '" + connectionName + "' is misconfigured: " + configError,
                    "Fix the connection's secrets and try again."));
            return;
        }
        String replication = startup.parameters().getOrDefault("replication", "false").toLowerCase(java.util.Locale.ROOT);
        if (!java.util.Set.of("false", "off", "no", "0").contains(replication)) {
            // A replication connection would stream the whole database with the stored credentials.
            fatal(ErrorResponse.fatal("28000", "replication connections are not allowed through hoop (replication="
                    + startup.parameters().get("replication") + ")", null));
            return;
        }
        state = State.CONNECTING;
        // The client's user and database are placeholders: the connection's stored ones are used.
        server = new ServerConnection(loop, bootstrap, target, new Handover());
        server.open(startup.with("user", target.user()).with("database", target.database()));
    }

    private void forwardCancel(StartupPacket.CancelRequest cancel) {
        startupTimer.cancel(false); // a cancel connection ends by itself once forwarded
        if (configError != null) {
            closeClient(null);
            return;
        }
        // The client holds the real server's BackendKeyData (relayed unchanged), so the request goes as is.
        ServerConnection.resolve(loop, target.host(), address -> bootstrap.clone(loop)
                .handler(new io.netty.channel.ChannelInboundHandlerAdapter())
                .connect(new InetSocketAddress(address, target.port()))
                .addListener((ChannelFutureListener) f -> {
                    if (f.isSuccess()) {
                        f.channel().writeAndFlush(Unpooled.wrappedBuffer(cancel.encode()))
                                .addListener(ChannelFutureListener.CLOSE);
                    } else {
                        log.info("postgres connection '{}': cancel request not delivered to {}: {}",
                                connectionName, target.address(), describe(f.cause()));
                    }
                    closeClient(null);
                }), error -> closeClient(null));
    }

    /** The connection stages' one hand-over: on success the relay stage takes the server channel. */
    private final class Handover implements ServerAuthHandler.Outcome {
        @Override
        public void authenticated(ChannelHandlerContext ctx, ByteBuf rest) {
            if (state == State.CLOSED) {
                rest.release();
                ctx.close();
                return;
            }
            state = State.RELAY;
            startupTimer.cancel(false);
            log.debug("postgres connection '{}': authenticated to {} as {}", connectionName, target.address(), target.user());
            backendFilter = new BackendFilter(markers);
            ServerRelayHandler relay = new ServerRelayHandler(backendFilter, new RelayEnd());
            if (masking.enabled()) {
                maskingStage = new MaskingStage(masking.masker(), masking.columnRules(), connectionName);
                ctx.pipeline().addLast("masking", maskingStage);
            }
            ctx.pipeline().addLast("relay", relay);
            serverChannel = ctx.channel();
            // The rest was already decrypted (when TLS is on): hand it to the first stage directly, not through the pipeline's head.
            if (maskingStage != null) {
                maskingStage.channelRead(ctx.pipeline().context(maskingStage), rest);
            } else {
                relay.channelRead(ctx.pipeline().context(relay), rest);
            }
            if (held != null && maskingStage != null) {
                maskingStage.fromClient(io.netty.buffer.ByteBufUtil.getBytes(held));
            }
            if (held != null) {
                ByteBuf bytes = held;
                java.util.List<CompletableFuture<Void>> waiting = java.util.List.copyOf(heldWaiting);
                held = null;
                heldWaiting.clear();
                serverChannel.writeAndFlush(bytes).addListener(f -> waiting.forEach(done -> finish(done, f.cause())));
            }
        }

        @Override
        public void refusedByServer(byte[] errorResponse) {
            // The server's own reason (e.g. password authentication failed for user "…") reaches psql as is.
            sendToClient(errorResponse);
            closeAll("the database server refused the connection's credentials");
        }

        @Override
        public void failed(ErrorResponse error) {
            fatal(error);
        }

        @Override
        public void relayToClient(byte[] message) {
            sendToClient(message);
        }
    }

    /** Clients that never finish their startup would hold an agent connection (and a server one) forever. */
    private void startupTimedOut() {
        if (state == State.STARTUP || state == State.CONNECTING) {
            fatal(ErrorResponse.fatal("08P01", "the connection did not finish its startup (StartupMessage and"
                    + " authentication) within " + seconds(startupTimeout) + "; hoop closed it",
                    "Connect again; check that your client sends its startup message at once."));
        }
    }

    private static String seconds(Duration d) {
        return d.toMillis() % 1000 == 0 ? d.toSeconds() + " s" : d.toMillis() + " ms";
    }

    /** The relay stage's end towards the client. */
    private final class RelayEnd implements ServerRelayHandler.Client {
        @Override
        public CompletionStage<Void> send(byte[] bytes) {
            return sendToClient(bytes);
        }

        @Override
        public void serverClosed() {
            closeAll(null);
        }

        @Override
        public void serverFailed(Throwable cause) {
            log.info("postgres connection '{}': relay with {} ended: {}", connectionName, target.address(), describe(cause));
            String reason = "connection to the database server at " + target.address() + " failed: " + describe(cause);
            // Tell psql in its protocol, unless that would cut a server message in two.
            if (state == State.RELAY && backendFilter != null && backendFilter.atMessageBoundary()) {
                sendToClient(ErrorResponse.fatal("08006", reason, null).encode());
            }
            closeAll(reason);
        }
    }

    // ---- helpers ----

    private CompletionStage<Void> sendToClient(byte[] bytes) {
        lastClientWrite = sink.write(bytes);
        return lastClientWrite;
    }

    private void fatal(ErrorResponse error) {
        if (state == State.CLOSED) {
            return;
        }
        log.info("postgres connection '{}': {}", connectionName, error.message());
        sendToClient(error.encode());
        closeAll(error.message());
    }

    /** Closes the server side and ends the client connection once what was sent to it went out. */
    private void closeAll(String reason) {
        if (state == State.CLOSED) {
            return;
        }
        state = State.CLOSED;
        releaseHeld();
        startupTimer.cancel(false);
        if (server != null) {
            server.close();
        }
        closeClient(reason);
    }

    private void closeClient(String reason) {
        lastClientWrite.whenComplete((v, e) -> sink.close(reason));
    }

    private void releaseHeld() {
        if (held != null) {
            held.release();
            held = null;
        }
        heldWaiting.forEach(done -> done.complete(null));
        heldWaiting.clear();
    }

    private static ChannelFutureListener completes(CompletableFuture<Void> done) {
        return f -> finish(done, f.cause());
    }

    private static void finish(CompletableFuture<Void> done, Throwable error) {
        if (error == null) {
            done.complete(null);
        } else {
            done.completeExceptionally(error);
        }
    }

    static String describe(Throwable cause) {
        return ServerConnection.describe(cause);
    }
}
