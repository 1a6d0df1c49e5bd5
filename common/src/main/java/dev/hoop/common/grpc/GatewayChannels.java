package dev.hoop.common.grpc;

import dev.hoop.common.config.ConfigException;
import dev.hoop.common.netty.EventLoops;
import dev.hoop.common.wire.Wire;
import io.grpc.ChannelCredentials;
import io.grpc.Grpc;
import io.grpc.InsecureChannelCredentials;
import io.grpc.ManagedChannel;
import io.grpc.ManagedChannelBuilder;
import io.grpc.TlsChannelCredentials;
import io.grpc.netty.NettyChannelBuilder;
import io.netty.channel.EventLoopGroup;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.util.concurrent.TimeUnit;

/**
 * The one place a gRPC channel to the gateway is built (agent and CLI): TLS with certificate
 * verification for {@code grpcs://}/{@code https://}, plaintext only to loopback unless
 * {@code HOOP_ALLOW_PLAINTEXT} allows it, {@link Wire#MAX_MESSAGE_BYTES} inbound, and HTTP/2
 * keep-alive pings every {@link Wire#KEEP_ALIVE_INTERVAL} so that dead peers are noticed behind
 * proxies (the gateway must permit pings that often).
 */
public final class GatewayChannels {
    private GatewayChannels() {}

    /**
     * @throws ConfigException when the settings forbid the target (plaintext to a remote host) or
     *                         the CA is not usable
     */
    public static ManagedChannel open(GatewayTarget target, ChannelSettings settings) {
        return configure(Grpc.newChannelBuilderForAddress(target.host(), target.port(), credentials(target, settings)), target, settings);
    }

    /**
     * A channel whose connection runs on {@code loops} (from {@link EventLoops#newGroup}): the agent and
     * {@code hoop connect} put the sockets they relay on the same loops, so a packet crosses from the
     * stream to its socket, and back, on one thread.
     *
     * @throws ConfigException as {@link #open(GatewayTarget, ChannelSettings)}
     */
    public static ManagedChannel open(GatewayTarget target, ChannelSettings settings, EventLoopGroup loops) {
        return configure(NettyChannelBuilder.forAddress(target.host(), target.port(), credentials(target, settings))
                .eventLoopGroup(loops)
                .channelType(EventLoops.socketChannel()), target, settings);
    }

    private static ManagedChannel configure(ManagedChannelBuilder<?> builder, GatewayTarget target, ChannelSettings settings) {
        if (target.tls() && settings.serverName() != null) {
            builder.overrideAuthority(settings.serverName());
        }
        return builder
                .maxInboundMessageSize(Wire.MAX_MESSAGE_BYTES)
                .keepAliveTime(Wire.KEEP_ALIVE_INTERVAL.toMillis(), TimeUnit.MILLISECONDS)
                .keepAliveTimeout(Wire.KEEP_ALIVE_INTERVAL.toMillis(), TimeUnit.MILLISECONDS)
                .keepAliveWithoutCalls(true)
                .build();
    }

    /** Refuses what the rules forbid before any byte is sent. */
    public static void check(GatewayTarget target, ChannelSettings settings) {
        credentials(target, settings);
    }

    private static ChannelCredentials credentials(GatewayTarget target, ChannelSettings settings) {
        if (!target.tls()) {
            if (!target.loopback() && !settings.allowPlaintext()) {
                throw new ConfigException("refusing plaintext gRPC to " + target.authority()
                        + ": the gateway's secrets would cross the network unencrypted (use grpcs:// for TLS, or set "
                        + ChannelSettings.ALLOW_PLAINTEXT + "=true to allow plaintext to a non-loopback host)");
            }
            return InsecureChannelCredentials.create();
        }
        TlsChannelCredentials.Builder tls = TlsChannelCredentials.newBuilder();
        if (settings.caPem() != null) {
            try {
                tls.trustManager(new ByteArrayInputStream(settings.caPem()));
            } catch (IOException | IllegalArgumentException e) {
                throw new ConfigException(ChannelSettings.TLS_CA + ": not a usable CA certificate (" + e.getMessage() + ")", e);
            }
        }
        return tls.build();
    }
}
