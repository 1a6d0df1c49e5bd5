package dev.hoop.client.session;

import dev.hoop.client.ClientContext;
import dev.hoop.client.config.ClientConfig;
import dev.hoop.client.config.ConfigStore;
import dev.hoop.client.config.TlsCa;
import dev.hoop.common.config.Env;
import dev.hoop.common.grpc.ChannelSettings;
import dev.hoop.common.grpc.GatewayChannels;
import dev.hoop.common.grpc.GatewayTarget;
import io.grpc.ManagedChannel;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.TimeUnit;

/**
 * What a session command needs from the CLI's configuration: a gRPC channel to the gateway
 * ({@code grpc_url}, {@code tls_ca}; {@code HOOP_GRPCURL}, {@code HOOP_TLSCA}, {@code TLS_SERVER_NAME})
 * and the signed-in user's token.
 */
final class GatewayLink implements AutoCloseable {
    final ManagedChannel channel;
    final String token;
    final GatewayTarget target;

    private GatewayLink(ManagedChannel channel, String token, GatewayTarget target) {
        this.channel = channel;
        this.token = token;
        this.target = target;
    }

    /** @throws IllegalStateException when nobody is signed in, with what to do */
    static GatewayLink open(ClientContext ctx) {
        ClientConfig config = ConfigStore.of(ctx).load();
        if (config.token() == null) {
            throw new IllegalStateException("not logged in: run 'hoop login' (or set HOOP_TOKEN)");
        }
        String url = config.grpcUrl() == null ? ClientConfig.DEFAULT_GRPC_URL : config.grpcUrl();
        GatewayTarget target = GatewayTarget.parse(url);
        ChannelSettings settings = ChannelSettings.fromEnv(new Env(ctx.env()));
        if (settings.caPem() == null && config.tlsCa() != null) {
            byte[] ca = TlsCa.pemFromValue("tls_ca", config.tlsCa()).getBytes(StandardCharsets.US_ASCII);
            settings = new ChannelSettings(ca, settings.serverName(), settings.allowPlaintext());
        }
        return new GatewayLink(GatewayChannels.open(target, settings), config.token(), target);
    }

    @Override
    public void close() {
        channel.shutdownNow();
        try {
            channel.awaitTermination(2, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
