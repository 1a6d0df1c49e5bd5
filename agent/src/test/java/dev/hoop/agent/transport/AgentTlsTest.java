package dev.hoop.agent.transport;

import static dev.hoop.agent.transport.Packets.WAIT;
import static dev.hoop.agent.transport.Packets.command;
import static dev.hoop.agent.transport.Packets.open;
import static dev.hoop.agent.transport.Packets.text;
import static dev.hoop.agent.transport.Packets.untilClose;
import static org.assertj.core.api.Assertions.assertThat;

import dev.hoop.common.config.Env;
import dev.hoop.common.dsn.AgentDsn;
import dev.hoop.common.grpc.ChannelSettings;
import dev.hoop.common.grpc.GatewayTarget;
import dev.hoop.common.netty.EventLoops;
import dev.hoop.common.tls.SelfSignedCertificate;
import dev.hoop.common.tls.TlsMaterial;
import dev.hoop.common.wire.ClientPacket;
import io.netty.channel.EventLoopGroup;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;

/** The agent over TLS: verified against HOOP_TLSCA, and a clear reason when it cannot verify. */
class AgentTlsTest {
    private static final TlsMaterial CERT = SelfSignedCertificate.generate("gateway.test");
    private static final EventLoopGroup LOOPS = EventLoops.newGroup(1, "agent-io");

    @AfterAll
    static void stopLoops() {
        LOOPS.shutdownGracefully(0, 1, TimeUnit.SECONDS);
    }

    private static AgentController agent(int port, ChannelSettings settings) {
        AgentDsn dsn = AgentDsn.parse("grpcs://tls-agent:" + AgentFixture.SECRET + "@127.0.0.1:" + port);
        return new AgentController(AgentIdentity.of(dsn), GatewayTarget.of(dsn), settings, new HandlerRegistry(),
                Map.of("PATH", System.getenv("PATH")), LOOPS).start();
    }

    @Test
    void servesOverTlsWithTheGivenCaAndServerName() throws Exception {
        try (TestGateway gateway = new TestGateway(AgentFixture.SECRET, CERT);
             AgentController agent = agent(gateway.port(), ChannelSettings.fromEnv(new Env(Map.of(
                     "HOOP_TLSCA", Base64.getEncoder().encodeToString(CERT.caPem()), "TLS_SERVER_NAME", "gateway.test"))))) {
            TestGateway.AgentLink link = gateway.nextLink(WAIT);
            link.send(open("tls1", command("echo", List.of("echo", "over tls"), Map.of()), "x"));
            assertThat(text(untilClose(link, "tls1"), ClientPacket.WRITE_STDOUT)).isEqualTo("over tls\n");
            assertThat(agent.online()).isTrue();
        }
    }

    @Test
    void anUntrustedCertificateIsReported() throws Exception {
        try (TestGateway gateway = new TestGateway(AgentFixture.SECRET, CERT);
             AgentController agent = agent(gateway.port(), new ChannelSettings(null, "gateway.test", false))) {
            AgentFixture.await(() -> agent.lastError() != null, "a failed attempt");
            assertThat(agent.lastError()).isEqualTo("the gateway's TLS certificate at 127.0.0.1:" + gateway.port()
                    + " is not trusted: set HOOP_TLSCA to the CA certificate that signed it (a PEM file path, PEM text or base64 PEM)");
            assertThat(agent.connections()).isZero();
        }
    }
}
