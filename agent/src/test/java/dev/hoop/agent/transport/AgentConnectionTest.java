package dev.hoop.agent.transport;

import static dev.hoop.agent.transport.Packets.WAIT;
import static dev.hoop.agent.transport.Packets.command;
import static dev.hoop.agent.transport.Packets.open;
import static dev.hoop.agent.transport.Packets.text;
import static dev.hoop.agent.transport.Packets.untilClose;
import static org.assertj.core.api.Assertions.assertThat;

import dev.hoop.common.Version;
import dev.hoop.common.dsn.AgentDsn;
import dev.hoop.common.grpc.ChannelSettings;
import dev.hoop.common.grpc.GatewayTarget;
import dev.hoop.common.wire.ClientPacket;
import dev.hoop.common.wire.GatewayPacket;
import dev.hoop.common.wire.Wire;
import dev.hoop.proto.Packet;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/** The agent's link to the gateway: metadata, keep-alives, reconnecting, refusals. */
class AgentConnectionTest extends AgentFixture {
    @Test
    void connectsWithTheAgentMetadata() throws Exception {
        AgentController agent = agent(SECRET);
        TestGateway.AgentLink link = gateway.nextLink(WAIT);
        assertThat(link.header(Wire.ORIGIN)).isEqualTo("agent");
        assertThat(link.header(Wire.AUTHORIZATION)).isEqualTo("Bearer " + SECRET);
        assertThat(link.header(Wire.VERSION)).isEqualTo(Version.current());
        assertThat(link.header(Wire.HOSTNAME)).isNotBlank();
        assertThat(link.header(Wire.PLATFORM)).matches("[a-z ]+/[a-z0-9_]+");
        assertThat(link.header(Wire.CONNECTION_ITEMS)).isNull();
        await(agent::online, "agent online");
    }

    @Test
    void sendsKeepAlives() throws Exception {
        AgentDsn dsn = AgentDsn.parse("grpc://ka:" + SECRET + "@127.0.0.1:" + gateway.port());
        AgentController c = new AgentController(AgentIdentity.of(dsn), GatewayTarget.of(dsn), ChannelSettings.defaults(),
                new HandlerRegistry(), Map.of(), io).keepAliveEvery(Duration.ofMillis(100));
        cleanup.add(c);
        c.start();
        TestGateway.AgentLink link = gateway.nextLink(WAIT);
        for (int i = 0; i < 3; i++) {
            Packet p = link.received.poll(WAIT.toSeconds(), TimeUnit.SECONDS);
            assertThat(p).isNotNull();
            assertThat(p.getType()).isEqualTo(GatewayPacket.KEEP_ALIVE);
            assertThat(p.getSpecMap()).isEmpty();
        }
    }

    @Test
    void aPublishingAgentSendsItsConnectionItems() throws Exception {
        AgentDsn dsn = AgentDsn.parse("grpc://dev:" + SECRET + "@127.0.0.1:" + gateway.port());
        AgentController c = new AgentController(AgentIdentity.of(dsn).publishing(List.of("myapp", "myapp-review")),
                GatewayTarget.of(dsn), ChannelSettings.defaults(), new HandlerRegistry(), Map.of(), io);
        cleanup.add(c);
        c.start();
        assertThat(gateway.nextLink(WAIT).header(Wire.CONNECTION_ITEMS)).isEqualTo("myapp,myapp-review");
    }

    @Test
    void reconnectsAndServesWithinTwoSecondsOfTheGatewayComingBack() throws Exception {
        AgentController agent = agent(SECRET);
        gateway.nextLink(WAIT);
        await(agent::online, "agent online");
        int port = gateway.port();
        gateway.stop();
        await(() -> !agent.online(), "agent noticed the gateway left");
        // Let the backoff grow: after the 4th failed attempt the agent waits 8-16 s before the next one.
        await(() -> agent.failedAttempts() >= 4, "four failed attempts", Duration.ofSeconds(30));
        assertThat(agent.attempts()).isEqualTo(5);
        long restarted = System.nanoTime();
        gateway.start(port);
        TestGateway.AgentLink link = gateway.nextLink(Duration.ofSeconds(10));
        long millis = (link.acceptedAtNanos - restarted) / 1_000_000;
        System.out.println("agent reconnected " + millis + " ms after the gateway came back (attempt " + agent.attempts() + ")");
        assertThat(millis).isLessThan(2000);
        link.send(open("r1", command("echo", List.of("echo", "back"), Map.of()), "x"));
        assertThat(text(untilClose(link, "r1"), ClientPacket.WRITE_STDOUT)).isEqualTo("back\n");
    }

    @Test
    void aRejectedKeyIsReportedAndRetried() throws Exception {
        AgentController agent = agent("xagt-this-key-was-revoked-00000");
        await(() -> AgentController.KEY_REJECTED.equals(agent.lastError()), "key rejected");
        await(() -> agent.attempts() >= 2, "retried");
        assertThat(agent.online()).isFalse();
        assertThat(agent.connections()).isZero();
        assertThat(gateway.links).isEmpty();
    }

    @Test
    void aSecondAgentWithTheSameKeyIsRefusedAndTheFirstStaysOnline() throws Exception {
        AgentController first = agent(SECRET);
        TestGateway.AgentLink link = gateway.nextLink(WAIT);
        await(first::online, "first online");
        AgentController second = agent(SECRET);
        await(() -> "gateway refused the stream: agent already connected (another agent with this key is online)".equals(second.lastError()),
                "second refused");
        assertThat(second.online()).isFalse();
        assertThat(first.online()).isTrue();
        assertThat(link.ended).isNotDone();
        link.send(open("d1", command("echo", List.of("echo", "first"), Map.of()), "x"));
        assertThat(text(untilClose(link, "d1"), ClientPacket.WRITE_STDOUT)).isEqualTo("first\n");
    }
}
