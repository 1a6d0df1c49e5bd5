package dev.hoop.agent.postgres;

import dev.hoop.common.Causes;
import dev.hoop.common.pgwire.ErrorResponse;
import dev.hoop.common.pgwire.StartupPacket;
import io.netty.bootstrap.Bootstrap;
import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.EventLoop;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.UnknownHostException;
import java.util.function.Consumer;

/**
 * The first stages of every agent-to-server connection, shared by the tunnel and by exec scripts:
 * resolve the host, connect, negotiate TLS ({@link ServerTlsNegotiator}), send the StartupMessage
 * and authenticate ({@link ServerAuthHandler}). The stages remove themselves as they finish; the
 * outcome is handed over once, to whoever installs the next stage (relay or script runner).
 *
 * <p>Threading: everything runs on {@link #loop}; {@link #close} must be called there too.
 */
final class ServerConnection {
    private final EventLoop loop;
    private final Bootstrap bootstrap;
    private final PostgresTarget target;
    private final ServerAuthHandler.Outcome outcome;
    private Channel channel;
    private boolean closed;

    ServerConnection(EventLoop loop, Bootstrap bootstrap, PostgresTarget target, ServerAuthHandler.Outcome outcome) {
        this.loop = loop;
        this.bootstrap = bootstrap;
        this.target = target;
        this.outcome = outcome;
    }

    /** Starts the stages; {@code startup} already names the stored user and database. */
    void open(StartupPacket.StartupMessage startup) {
        resolve(loop, target.host(), address -> {
            if (closed) {
                return;
            }
            ChannelFuture connected = bootstrap.clone(loop)
                    .handler(new ServerAuthHandler(target, outcome))
                    .connect(new InetSocketAddress(address, target.port()));
            channel = connected.channel();
            connected.addListener((ChannelFutureListener) f -> {
                if (!f.isSuccess()) {
                    outcome.failed(ErrorResponse.fatal("08001", "could not connect to the database server at " + target.address()
                            + ": " + describe(f.cause()), "Check that the server is running and reachable from the agent."));
                } else if (closed) {
                    f.channel().close();
                } else if (target.tls().mode().asks()) {
                    negotiateTls(f.channel(), startup);
                } else {
                    sendStartup(f.channel(), startup);
                }
            });
        }, error -> outcome.failed(error));
    }

    /** Ends the connection at whatever stage it is; no outcome is reported afterwards by the connector. */
    void close() {
        closed = true;
        if (channel != null) {
            channel.close();
        }
    }

    private void negotiateTls(Channel ch, StartupPacket.StartupMessage startup) {
        ServerTlsNegotiator negotiator = new ServerTlsNegotiator(target, target.tls(), new ServerTlsNegotiator.Outcome() {
            @Override
            public void ready() {
                if (!closed) {
                    sendStartup(ch, startup);
                }
            }

            @Override
            public void failed(ErrorResponse error) {
                outcome.failed(error);
            }
        });
        ch.pipeline().addFirst("tls-negotiation", negotiator);
        negotiator.start(ch.pipeline().context(negotiator));
    }

    private static void sendStartup(Channel ch, StartupPacket.StartupMessage startup) {
        ch.writeAndFlush(Unpooled.wrappedBuffer(startup.encode()));
        ch.read();
    }

    /**
     * DNS lookups block, so they run on a virtual thread and the answer comes back to the loop.
     * An unknown host ends in {@code failed} with an ErrorResponse naming it.
     */
    static void resolve(EventLoop loop, String host, Consumer<InetAddress> then, Consumer<ErrorResponse> failed) {
        Thread.ofVirtual().name("pg-resolve-" + host).start(() -> {
            try {
                InetAddress address = InetAddress.getByName(host);
                loop.execute(() -> then.accept(address));
            } catch (UnknownHostException e) {
                loop.execute(() -> failed.accept(ErrorResponse.fatal("08001", "could not resolve the database host '" + host
                        + "': unknown host", "Check HOST in the connection's secrets.")));
            }
        });
    }

    static String describe(Throwable cause) {
        // NIO says "Connection refused: /host:port", epoll "finishConnect(..) failed with error(-111): Connection refused".
        String message = Causes.message(cause);
        return Causes.root(cause) instanceof java.net.ConnectException && message.contains("Connection refused")
                ? "connection refused" : message;
    }
}
