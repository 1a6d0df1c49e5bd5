package dev.hoop.client.session;

import dev.hoop.client.ClientContext;
import dev.hoop.client.config.ClientConfig;
import dev.hoop.client.config.SavedToken;
import dev.hoop.client.tls.TlsCa;
import dev.hoop.common.config.Env;
import dev.hoop.common.grpc.ChannelSettings;
import dev.hoop.common.grpc.GatewayChannels;
import dev.hoop.common.grpc.GatewayTarget;
import dev.hoop.common.netty.EventLoops;
import io.grpc.ManagedChannel;
import io.netty.channel.EventLoopGroup;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.TimeUnit;

/**
 * What a session command needs from the CLI's configuration: a gRPC channel to the gateway
 * ({@code grpc_url}, {@code tls_ca}; {@code HOOP_GRPCURL}, {@code HOOP_TLSCA}, {@code TLS_SERVER_NAME})
 * and the signed-in user's token.
 */
final class GatewayLink implements AutoCloseable {
    final ManagedChannel channel;
    /** The one event loop the channel's connection runs on; {@code hoop connect} puts its local sockets on it too. */
    final EventLoopGroup loops;
    final String token;
    final GatewayTarget target;
    /** Gateway errors worded with the target and the token's origin. */
    final GatewayErrors errors;

    private GatewayLink(ManagedChannel channel, EventLoopGroup loops, String token, GatewayTarget target, GatewayErrors errors) {
        this.channel = channel;
        this.loops = loops;
        this.token = token;
        this.target = target;
        this.errors = errors;
    }

    /**
     * gRPC's channel warns "Failed to resolve name" with the UnknownHostException's stack trace through
     * java.util.logging (which the CLI leaves at its defaults: stderr). The command's own error line
     * says it plainly ({@link GatewayErrors}); the trace only with HOOP_DEBUG. Held here: JUL keeps
     * loggers weakly, and a collected one would forget its level.
     */
    private static final java.util.logging.Logger CHANNEL_LOG = java.util.logging.Logger.getLogger("io.grpc.internal.ManagedChannelImpl");

    /** @throws IllegalStateException when nobody is signed in, with what to do */
    static GatewayLink open(ClientContext ctx) {
        CHANNEL_LOG.setLevel(ctx.env().get("HOOP_DEBUG") == null ? java.util.logging.Level.SEVERE : null);
        SavedToken saved = SavedToken.of(ctx);
        // renewed here when the saved expiry has passed: a gRPC stream cannot retry with a new token
        String token = saved.value();
        ClientConfig config = saved.config();
        String url = config.grpcUrl() == null ? ClientConfig.DEFAULT_GRPC_URL : config.grpcUrl();
        GatewayTarget target = GatewayTarget.parse(url);
        ChannelSettings settings = ChannelSettings.fromEnv(new Env(ctx.env()));
        if (settings.caPem() == null && config.tlsCa() != null) {
            byte[] ca = TlsCa.pemFromValue("tls_ca", config.tlsCa()).getBytes(StandardCharsets.US_ASCII);
            settings = new ChannelSettings(ca, settings.serverName(), settings.allowPlaintext());
        }
        EventLoopGroup loops = EventLoops.newGroup(1, "hoop-io");
        try {
            return new GatewayLink(GatewayChannels.open(target, settings, loops), loops, token, target,
                    new GatewayErrors(target, saved::refused));
        } catch (RuntimeException e) {
            loops.shutdownGracefully(0, 0, TimeUnit.SECONDS);
            throw e;
        }
    }

    @Override
    public void close() {
        channel.shutdownNow();
        try {
            channel.awaitTermination(2, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        loops.shutdownGracefully(0, 1, TimeUnit.SECONDS);
    }
}
