package dev.hoop.agent.postgres;

import dev.hoop.agent.dlp.SessionMasking;
import dev.hoop.agent.exec.ExecHandle;
import dev.hoop.agent.exec.ProcessOutput;
import dev.hoop.agent.exec.SqlExecutor;
import dev.hoop.agent.guardrails.SqlGuardrails;
import dev.hoop.agent.session.ClientSink;
import dev.hoop.common.guardrails.GuardrailRules;
import dev.hoop.agent.session.ConnectionHandler;
import dev.hoop.agent.session.ConnectionHandlerFactory;
import dev.hoop.common.netty.EventLoops;
import dev.hoop.common.wire.ConnectionParams;
import io.netty.bootstrap.Bootstrap;
import io.netty.channel.AdaptiveRecvByteBufAllocator;
import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoop;
import io.netty.channel.EventLoopGroup;
import java.time.Duration;
import java.util.Objects;

/**
 * The agent's handler factory for postgres connections: each client connection (a psql socket on
 * the user's machine) gets its own {@link PostgresSession} with its own connection to the real
 * server, authenticated with the credentials stored in the connection, which never reach the
 * client. {@code group} comes from {@link EventLoops#newGroup}.
 */
public final class PostgresHandlers implements ConnectionHandlerFactory, SqlExecutor {
    /** A connect attempt to the database server gives up after this long. */
    static final int CONNECT_TIMEOUT_MILLIS = 10_000;
    /** The most one read from the server takes (and so the largest data packet towards the client). */
    static final int MAX_READ_BYTES = 256 * 1024;

    /** A client connection must finish its startup (through authentication) within this. */
    static final Duration STARTUP_TIMEOUT = Duration.ofSeconds(60);

    private final EventLoopGroup group;
    private final Bootstrap template;
    private final Duration startupTimeout;

    public PostgresHandlers(EventLoopGroup group) {
        this(group, STARTUP_TIMEOUT);
    }

    PostgresHandlers(EventLoopGroup group, Duration startupTimeout) {
        this.group = Objects.requireNonNull(group, "group");
        this.startupTimeout = Objects.requireNonNull(startupTimeout, "startupTimeout");
        this.template = new Bootstrap()
                .channel(EventLoops.socketChannel())
                // Backpressure: the server channel reads only when the client took the previous chunk,
                // and each read() delivers at most one buffer. Up to 256 KiB per read: a large result
                // or a COPY then travels in fewer, larger packets (the per-packet cost is most of it).
                .option(ChannelOption.AUTO_READ, false)
                .option(ChannelOption.RCVBUF_ALLOCATOR, new AdaptiveRecvByteBufAllocator(64, 2048, MAX_READ_BYTES).maxMessagesPerRead(1))
                .option(ChannelOption.TCP_NODELAY, true)
                .option(ChannelOption.SO_KEEPALIVE, true)
                .option(ChannelOption.CONNECT_TIMEOUT_MILLIS, CONNECT_TIMEOUT_MILLIS);
    }

    @Override
    public ConnectionHandler open(ConnectionParams params, ClientSink toClient) {
        return open(params, toClient, SessionMasking.OFF);
    }

    /** Results are masked in flight when the session has data masking ({@link MaskingStage}). */
    @Override
    public ConnectionHandler open(ConnectionParams params, ClientSink toClient, SessionMasking masking) {
        Objects.requireNonNull(masking, "masking");
        Objects.requireNonNull(params, "params");
        Objects.requireNonNull(toClient, "toClient");
        PostgresTarget target = null;
        String configError = null;
        try {
            target = PostgresTarget.from(params);
        } catch (IllegalArgumentException e) {
            // Reported to psql as an ErrorResponse once it sends its startup message.
            configError = e.getMessage();
        }
        SqlGuardrails guardrails = new SqlGuardrails(GuardrailRules.NONE);
        try {
            guardrails = new SqlGuardrails(GuardrailRules.parse(params.guardrails()));
        } catch (IllegalArgumentException e) {
            configError = e.getMessage(); // rules that cannot be read: nothing runs (fail closed)
        }
        EventLoop loop = group.next();
        return new PostgresSession(loop, template, toClient, target, configError, params.name(), startupTimeout, guardrails, masking);
    }

    /** {@code hoop exec} on a postgres connection: the script as SQL over the agent's own connection. */
    @Override
    public ExecHandle runSql(ConnectionParams params, byte[] script, ProcessOutput out) {
        return runSql(params, script, out, SessionMasking.OFF);
    }

    @Override
    public ExecHandle runSql(ConnectionParams params, byte[] script, ProcessOutput out, SessionMasking masking) {
        return SqlScript.start(group.next(), template, params, script, out, Objects.requireNonNull(masking, "masking"));
    }
}
