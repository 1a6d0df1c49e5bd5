package dev.hoop.agent.postgres;

import dev.hoop.agent.dlp.SessionMasking;
import dev.hoop.agent.exec.ExecHandle;
import dev.hoop.agent.exec.ProcessOutput;
import dev.hoop.common.pgwire.ErrorResponse;
import dev.hoop.common.pgwire.StartupPacket;
import dev.hoop.common.wire.ConnectionParams;
import io.netty.bootstrap.Bootstrap;
import io.netty.buffer.ByteBuf;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.EventLoop;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.atomic.AtomicBoolean;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * {@code hoop exec} on a postgres connection: the script runs over the agent's own connection
 * (the tunnel's connection stages, then {@link ScriptRunner} instead of the relay). No process is
 * started, so the stored password reaches no environment and psql's meta-commands ({@code \!}
 * runs a shell) do not exist; a line that is one is refused before anything reaches the server,
 * as is a password change ({@link PasswordChangeGuard}). Exit codes as psql's: 0, 1 after an SQL
 * error or a refusal, 2 when the server cannot be reached or refuses the credentials.
 */
final class SqlScript implements ExecHandle {
    private static final Logger log = LoggerFactory.getLogger(SqlScript.class);
    static final int EXIT_ERROR = 1;
    static final int EXIT_CONNECTION = 2;

    private final EventLoop loop;
    private final ProcessOutput out;
    private final AtomicBoolean ended = new AtomicBoolean();
    private ServerConnection connection;

    private final SessionMasking masking;

    private SqlScript(EventLoop loop, ProcessOutput out, SessionMasking masking) {
        this.masking = masking;
        this.loop = loop;
        this.out = out;
    }

    /** Checks and starts the script; never throws: every failure reaches {@code out}. */
    static SqlScript start(EventLoop loop, Bootstrap bootstrap, ConnectionParams params, byte[] input, ProcessOutput out) {
        return start(loop, bootstrap, params, input, out, SessionMasking.OFF);
    }

    /** The same, with the results masked per column by a {@link MaskingStage} before the runner prints them. */
    static SqlScript start(EventLoop loop, Bootstrap bootstrap, ConnectionParams params, byte[] input, ProcessOutput out,
            SessionMasking masking) {
        SqlScript run = new SqlScript(loop, out, masking);
        PostgresTarget target;
        try {
            target = PostgresTarget.from(params);
        } catch (IllegalArgumentException e) {
            run.fail("hoop: connection '" + params.name() + "' is misconfigured: " + e.getMessage() + "\n", EXIT_CONNECTION);
            return run;
        }
        String refusal = refusal(input);
        if (refusal != null) {
            log.info("exec on '{}': script refused: {}", params.name(), refusal.lines().findFirst().orElse(""));
            run.fail(refusal, EXIT_ERROR);
            return run;
        }
        String script = new String(input, StandardCharsets.UTF_8);
        loop.execute(() -> run.connect(bootstrap, target, script));
        return run;
    }

    /** Why the script must not run (as printed on stderr), or null. */
    static String refusal(byte[] input) {
        for (int i = 0; i < input.length; i++) {
            if (input[i] == 0) {
                // A Query ends at its first NUL: the server would run a prefix of what was checked.
                return "hoop: the script contains a NUL byte at offset " + i + "; SQL text cannot contain one\n";
            }
        }
        String script = new String(input, StandardCharsets.UTF_8);
        String meta = MetaCommands.find(script);
        if (meta != null) {
            return meta;
        }
        ErrorResponse refused = PasswordChangeGuard.refusal(script);
        if (refused != null) {
            return psqlText(refused);
        }
        return null;
    }

    private static String psqlText(ErrorResponse error) {
        byte[] message = error.encode();
        return PsqlMessages.render(Arrays.copyOfRange(message, 5, message.length), null, true);
    }

    private void connect(Bootstrap bootstrap, PostgresTarget target, String script) {
        if (ended.get()) {
            return;
        }
        String address = target.address();
        connection = new ServerConnection(loop, bootstrap, target, new ServerAuthHandler.Outcome() {
            @Override
            public void authenticated(ChannelHandlerContext ctx, ByteBuf rest) {
                if (ended.get()) {
                    rest.release();
                    ctx.close();
                    return;
                }
                ScriptRunner runner = new ScriptRunner(script, address, out, SqlScript.this::exited);
                MaskingStage stage = masking.enabled() ? new MaskingStage(masking.masker(), masking.columnRules(), "exec") : null;
                if (stage != null) {
                    ctx.pipeline().addLast("masking", stage);
                }
                ctx.pipeline().addLast("script", runner);
                if (stage != null) {
                    stage.channelRead(ctx.pipeline().context(stage), rest);
                } else {
                    runner.channelRead(ctx.pipeline().context(runner), rest);
                }
            }

            @Override
            public void refusedByServer(byte[] errorResponse) {
                connectionFailed(address, PsqlMessages.render(Arrays.copyOfRange(errorResponse, 5, errorResponse.length), null, true));
            }

            @Override
            public void failed(ErrorResponse error) {
                connectionFailed(address, psqlText(error));
            }

            @Override
            public void relayToClient(byte[] message) {
                // NegotiateProtocolVersion: the agent speaks plain protocol 3.0, nothing to adapt.
            }
        });
        Map<String, String> parameters = new LinkedHashMap<>();
        parameters.put("user", target.user());
        parameters.put("database", target.database());
        parameters.put("application_name", "hoop-exec");
        parameters.put("client_encoding", "UTF8");
        connection.open(new StartupPacket.StartupMessage(196608, parameters));
    }

    private void connectionFailed(String address, String text) {
        if (connection != null) {
            connection.close();
        }
        fail("hoop: connection to the database server at " + address + " failed: " + text, EXIT_CONNECTION);
    }

    private void fail(String stderr, int exitCode) {
        if (ended.get()) {
            return;
        }
        out.stderr(stderr.getBytes(StandardCharsets.UTF_8)).whenComplete((ok, error) -> exited(exitCode));
    }

    private void exited(int exitCode) {
        if (ended.compareAndSet(false, true)) {
            out.exited(exitCode);
        }
    }

    @Override
    public void kill() {
        if (ended.compareAndSet(false, true)) {
            loop.execute(() -> {
                if (connection != null) {
                    connection.close();
                }
            });
        }
    }
}
