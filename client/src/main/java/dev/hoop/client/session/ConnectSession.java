package dev.hoop.client.session;

import com.google.common.util.concurrent.MoreExecutors;
import dev.hoop.common.netty.EventLoops;
import dev.hoop.common.wire.AgentPacket;
import dev.hoop.common.wire.ClientPacket;
import dev.hoop.common.wire.ConnectionType;
import dev.hoop.common.wire.SpecKey;
import dev.hoop.common.wire.Wire;
import dev.hoop.proto.Packet;
import io.grpc.Channel;
import io.grpc.Status;
import io.netty.bootstrap.ServerBootstrap;
import io.netty.buffer.Unpooled;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.FixedRecvByteBufAllocator;
import io.netty.channel.socket.SocketChannel;
import java.io.PrintStream;
import java.net.InetSocketAddress;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * {@code hoop connect}: opens a session, then serves a local listener whose every socket is
 * relayed through the session, tagged with its own {@code client.connection_id} ("1", "2", …).
 * Runs until the session ends or the process is stopped.
 */
public final class ConnectSession {
    private final Channel grpc;
    private final EventLoopGroup loops;
    private final String token;
    private final PrintStream messages;
    private GatewayErrors errors = GatewayErrors.plain();
    private final Map<String, io.netty.channel.Channel> sockets = new ConcurrentHashMap<>();
    private final AtomicInteger nextConnectionId = new AtomicInteger();
    /** How long a local PostgreSQL client has to send its startup message ({@link StartupDeadline}). */
    private final java.time.Duration startupLimit;
    /** Spec of the AgentSessionOpen: the time asked for when the connection needs a review ({@code jit.timeout}). */
    private Map<String, String> openSpec = Map.of();
    private boolean liveLine;

    /**
     * @param loops the event loops the local sockets and the stream's callbacks run on: best the
     *              loops {@code grpc}'s connection runs on (see {@link GatewayLink}), so that a packet
     *              goes from the stream to its socket, and back, on one thread
     */
    public ConnectSession(Channel grpc, EventLoopGroup loops, String token, PrintStream messages) {
        this(grpc, loops, token, messages, StartupDeadline.DEFAULT);
    }

    ConnectSession(Channel grpc, EventLoopGroup loops, String token, PrintStream messages, java.time.Duration startupLimit) {
        this.grpc = grpc;
        this.loops = loops;
        this.token = token;
        this.messages = messages;
        this.startupLimit = startupLimit;
    }

    /**
     * For connections that need a review (docs/reviews.md): the time-boxed access to ask for.
     *
     * @param duration e.g. {@code 30m}; null: the gateway's default (30m)
     * @param live     keep one live status line while waiting (a terminal)
     */
    public ConnectSession review(String duration, boolean live) {
        this.openSpec = duration == null ? Map.of() : Map.of(SpecKey.JIT_TIMEOUT, duration);
        this.liveLine = live;
        return this;
    }

    /** How gateway errors are worded: the dialled target and where the token came from (see {@link GatewayLink}). */
    public ConnectSession errors(GatewayErrors errors) {
        this.errors = java.util.Objects.requireNonNull(errors, "errors");
        return this;
    }

    /**
     * @param port the local port, or -1 for the connection type's default
     * @return the exit code: 0 when the session ended normally
     */
    public int run(String connectionName, String bindHost, int port, CompletableFuture<InetSocketAddress> bound) throws InterruptedException {
        CompletableFuture<Packet> opened = new CompletableFuture<>();
        CompletableFuture<Close> ended = new CompletableFuture<>();
        try {
            return run(connectionName, bindHost, port, bound, loops, opened, ended);
        } finally {
            terminalOutput.shutdown();
        }
    }

    private int run(String connectionName, String bindHost, int port, CompletableFuture<InetSocketAddress> bound, EventLoopGroup group,
                    CompletableFuture<Packet> opened, CompletableFuture<Close> ended) throws InterruptedException {
        // The stream's callbacks run directly on its connection's event loop, which (with the loops
        // of GatewayLink) is also the local sockets' loop: nothing in them blocks.
        java.util.concurrent.atomic.AtomicReference<SessionStream> self = new java.util.concurrent.atomic.AtomicReference<>();
        ReviewWait review = new ReviewWait(messages, liveLine, "Ctrl-C stops waiting (the request %s stays: connect again to wait for it)");
        SessionStream stream = SessionStream.open(grpc, Wire.VERB_CONNECT, connectionName, token, new SessionStream.PacketHandler() {
            @Override
            public void onPacket(Packet packet, Runnable done) {
                switch (packet.getType()) {
                    case ClientPacket.SESSION_OPEN_WAITING_APPROVAL -> {
                        review.waiting(packet);
                        done.run();
                    }
                    case ClientPacket.SESSION_OPEN_APPROVE_OK -> {
                        // access granted: open again, it passes now until the grant ends
                        String after = review.elapsed();
                        review.close();
                        messages.println("access to '" + connectionName + "' approved after " + after);
                        self.get().send(Wire.packet(AgentPacket.SESSION_OPEN, openSpec, null));
                        done.run();
                    }
                    case ClientPacket.SESSION_OPEN_OK -> {
                        opened.complete(packet);
                        done.run();
                    }
                    case ClientPacket.SESSION_OPEN_AGENT_OFFLINE, ClientPacket.SESSION_CLOSE -> {
                        opened.complete(packet);
                        ended.complete(Close.of(packet));
                        done.run();
                    }
                    case ClientPacket.WRITE_STDOUT, ClientPacket.WRITE_STDERR ->
                        // a terminal write may block: not on the event loop (one thread keeps the order)
                        terminalOutput.execute(() -> {
                            TerminalSession t = terminal;
                            if (t != null) {
                                t.output(packet.getPayload().toByteArray());
                            }
                            done.run();
                        });
                    case ClientPacket.PG_CONNECTION_WRITE, ClientPacket.TCP_CONNECTION_WRITE, ClientPacket.HTTP_PROXY_CONNECTION_WRITE ->
                            toSocket(packet, done);
                    case ClientPacket.TCP_CONNECTION_CLOSE -> {
                        io.netty.channel.Channel socket = sockets.get(String.valueOf(Wire.spec(packet, SpecKey.CLIENT_CONNECTION_ID)));
                        if (socket != null) {
                            socket.close();
                        }
                        done.run();
                    }
                    default -> done.run();
                }
            }

            @Override
            public void onEnd(Status status) {
                opened.complete(null);
                if (status.isOk()) {
                    ended.complete(new Close(null, null));
                } else {
                    // explaining a failed dial may probe the port for TLS: not on this event loop
                    ended.completeAsync(() -> new Close(null, errors.sentence(status, connectionName)),
                            r -> Thread.ofVirtual().name("dial-diagnosis").start(r));
                }
            }
        }, MoreExecutors.directExecutor());
        self.set(stream);
        stream.send(Wire.packet(AgentPacket.SESSION_OPEN, openSpec, null));
        Packet first = opened.join();
        review.close();
        if (first == null || !first.getType().equals(ClientPacket.SESSION_OPEN_OK)) {
            String reason = ended.join().reason();
            messages.println("error: " + (reason == null ? "the session ended before it opened" : reason));
            stream.close();
            return 1;
        }
        String typeName = Wire.spec(first, SpecKey.GATEWAY_CONNECTION_TYPE);
        ConnectionType type = typeName == null ? ConnectionType.TCP : ConnectionType.find(typeName).orElse(null);
        if (type == ConnectionType.COMMAND_LINE) {
            return runTerminal(stream, ended);
        }
        // the packet type the allow-list of (type, connect) takes for a socket's bytes
        String writeType = type == null ? null : type.inboundWrite().orElse(null);
        if (writeType == null) {
            messages.println("error: connection '" + connectionName + "' has type '" + typeName
                    + "', which this hoop cannot connect to (" + ConnectionType.unknown(typeName) + "); update hoop");
            stream.close();
            return 1;
        }
        boolean serverConnect = type == ConnectionType.TCP;
        try {
            ServerBootstrap bootstrap = new ServerBootstrap().group(group).channel(EventLoops.serverSocketChannel())
                    .childOption(ChannelOption.AUTO_READ, false)
                    .childOption(ChannelOption.TCP_NODELAY, true)
                    // one chunk per read() keeps read-after-send strict
                    .childOption(ChannelOption.RCVBUF_ALLOCATOR, new FixedRecvByteBufAllocator(64 * 1024).maxMessagesPerRead(1))
                    .childHandler(new ChannelInitializer<SocketChannel>() {
                        @Override
                        protected void initChannel(SocketChannel ch) {
                            String id = String.valueOf(nextConnectionId.incrementAndGet());
                            if (writeType.equals(AgentPacket.PG_CONNECTION_WRITE)) {
                                ch.pipeline().addLast(new StartupDeadline(startupLimit));
                            }
                            ch.pipeline().addLast(new LocalSocketHandler(stream, id, writeType, serverConnect, sockets));
                        }
                    });
            int localPort = port < 0 ? type.defaultLocalPort().orElse(0) : port;
            io.netty.channel.Channel server;
            try {
                server = bootstrap.bind(bindHost, localPort).sync().channel();
            } catch (Exception e) {
                messages.println("error: cannot listen on " + bindHost + ":" + localPort + " (" + e.getMessage()
                        + "); choose another port with --port");
                stream.close();
                return 1;
            }
            InetSocketAddress address = (InetSocketAddress) server.localAddress();
            messages.println(readyMessage(connectionName, type, address));
            if (bound != null) {
                bound.complete(address);
            }
            String reason = ended.join().reason();
            server.close().sync();
            sockets.values().forEach(io.netty.channel.Channel::close);
            if (reason != null) {
                messages.println("session ended: " + reason);
                return 1;
            }
            return 0;
        } finally {
            stream.close();
        }
    }

    /** How a session ended: the remote exit code (terminal sessions) and the reason, when abnormal. */
    private record Close(Integer exitCode, String reason) {
        static Close of(Packet close) {
            String exit = Wire.spec(close, SpecKey.CLIENT_EXIT_CODE);
            String reason = close.getPayload().isEmpty() ? null : close.getPayload().toStringUtf8();
            try {
                return new Close(exit == null ? null : Integer.valueOf(exit.trim()), reason);
            } catch (NumberFormatException e) {
                return new Close(null, reason == null ? "the agent sent an exit code that is not a number: '" + exit + "'" : reason);
            }
        }
    }

    private volatile TerminalSession terminal;
    private final java.util.concurrent.ExecutorService terminalOutput =
            java.util.concurrent.Executors.newSingleThreadExecutor(Thread.ofVirtual().name("terminal-output").factory());

    /** An interactive command-line connection: the local terminal becomes the remote one. */
    private int runTerminal(SessionStream stream, CompletableFuture<Close> ended) {
        Close close;
        try (TerminalSession t = new TerminalSession(stream, () -> ended.complete(new Close(null, "disconnected by ~.")))) {
            terminal = t;
            t.start();
            close = ended.join();
            terminal = null;
        } finally {
            stream.close();
        }
        // after the terminal's settings are back: in raw mode a newline would not return the carriage
        if (close.exitCode() != null) {
            return close.exitCode();
        }
        if (close.reason() != null) {
            messages.println("\nsession ended: " + close.reason());
            return 1;
        }
        return 0;
    }

    private void toSocket(Packet packet, Runnable done) {
        io.netty.channel.Channel socket = sockets.get(String.valueOf(Wire.spec(packet, SpecKey.CLIENT_CONNECTION_ID)));
        if (socket == null || !socket.isActive()) {
            done.run();
            return;
        }
        // wrapped, not copied: the packet is not used after this
        socket.writeAndFlush(Unpooled.wrappedBuffer(packet.getPayload().asReadOnlyByteBuffer()))
                .addListener(f -> done.run());
    }

    static String readyMessage(String name, ConnectionType type, InetSocketAddress address) {
        String where = address.getHostString() + ":" + address.getPort();
        return switch (type) {
            case POSTGRES -> "connection '" + name + "' (postgres) ready on " + where + ": psql -h " + address.getHostString()
                    + " -p " + address.getPort() + " -U any-user (any user and password are accepted)";
            case HTTP -> "connection '" + name + "' (http) ready on http://" + where + "/ (the agent adds the connection's headers)";
            default -> "connection '" + name + "' (" + type.wireName() + ") ready on " + where;
        };
    }
}
