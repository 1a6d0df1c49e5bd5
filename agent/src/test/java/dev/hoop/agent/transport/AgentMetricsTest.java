package dev.hoop.agent.transport;

import static dev.hoop.agent.transport.Packets.WAIT;
import static dev.hoop.agent.transport.Packets.command;
import static dev.hoop.agent.transport.Packets.open;
import static dev.hoop.agent.transport.Packets.text;
import static dev.hoop.agent.transport.Packets.untilClose;
import static dev.hoop.agent.transport.Packets.utf8;
import static org.assertj.core.api.Assertions.assertThat;

import dev.hoop.agent.tcp.TcpHandlers;
import dev.hoop.common.dsn.AgentDsn;
import dev.hoop.common.grpc.ChannelSettings;
import dev.hoop.common.grpc.GatewayTarget;
import dev.hoop.common.wire.ClientPacket;
import dev.hoop.common.wire.SpecKey;
import dev.hoop.proto.Packet;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/** The agent's counters against a gateway peer over real gRPC, with a real process and its masking. */
class AgentMetricsTest extends AgentFixture {
    final AgentMetrics metrics = AgentMetrics.withoutJvm();

    AgentController agentWithMetrics() {
        AgentDsn dsn = AgentDsn.parse("grpc://test-agent:" + SECRET + "@127.0.0.1:" + gateway.port());
        AgentController c = new AgentController(AgentIdentity.of(dsn), GatewayTarget.of(dsn), ChannelSettings.defaults(),
                new HandlerRegistry().tcp(new TcpHandlers(io)), Map.of("PATH", System.getenv("PATH")), io).withMetrics(metrics);
        cleanup.add(c);
        return c;
    }

    String scrape() throws Exception {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        metrics.scrape(out);
        return out.toString(StandardCharsets.UTF_8);
    }

    /** The value of the sample line starting with {@code series} (name and labels as printed); NaN when absent. */
    static double value(String text, String series) {
        Matcher m = Pattern.compile("(?m)^" + Pattern.quote(series) + " (\\S+)$").matcher(text);
        return m.find() ? Double.parseDouble(m.group(1)) : Double.NaN;
    }

    @Test
    void theLinkSessionsBytesAndRedactionsAreCounted() throws Exception {
        AgentController agent = agentWithMetrics();
        assertThat(value(scrape(), "hoop_agent_gateway_connected")).isZero();
        assertThat(value(scrape(), "hoop_agent_sessions_opened_total{type=\"command-line\",verb=\"exec\"}")).isZero();
        agent.start();
        TestGateway.AgentLink link = gateway.nextLink(WAIT);
        await(agent::online, "the agent is online");
        String online = scrape();
        assertThat(value(online, "hoop_agent_gateway_connected")).isEqualTo(1);
        assertThat(value(online, "hoop_agent_gateway_connects_total")).isEqualTo(1);

        Packet masked = open("m1", command("mail", List.of("sh", "-c", "cat; echo a@example.com b@example.com"), Map.of()), "12345\n")
                .toBuilder().putSpec(SpecKey.MASKING_CONFIG, utf8("types=EMAIL_ADDRESS;format=TOKEN")).build();
        link.send(masked);
        List<Packet> got = untilClose(link, "m1");
        assertThat(text(got, ClientPacket.WRITE_STDOUT)).isEqualTo("12345\n[EMAIL_ADDRESS] [EMAIL_ADDRESS]\n");
        await(() -> {
            try {
                return value(scrape(), "hoop_agent_masking_redactions_total{info_type=\"EMAIL_ADDRESS\"}") == 2;
            } catch (Exception e) {
                throw new IllegalStateException(e);
            }
        }, "the session's redactions are counted at its end");
        String after = scrape();
        assertThat(value(after, "hoop_agent_sessions_opened_total{type=\"command-line\",verb=\"exec\"}")).isEqualTo(1);
        assertThat(value(after, "hoop_agent_sessions_open")).isZero();
        // the open carried 6 bytes of input (its payload); the answers: open OK, output, close
        assertThat(value(after, "hoop_agent_relay_packets_total{direction=\"from_gateway\"}")).isEqualTo(1);
        assertThat(value(after, "hoop_agent_relay_bytes_total{direction=\"from_gateway\"}")).isEqualTo(6);
        assertThat(value(after, "hoop_agent_relay_packets_total{direction=\"to_gateway\"}")).isEqualTo(got.size());
        assertThat(value(after, "hoop_agent_relay_bytes_total{direction=\"to_gateway\"}"))
                .isEqualTo(got.stream().mapToInt(p -> p.getPayload().size()).sum());
        // labels are closed sets: no session id, connection name or command in the answer
        assertThat(after).doesNotContain("m1\"", "mail", "example.com");

        gateway.stop();
        await(() -> !agent.online(), "the agent sees the gateway gone");
        assertThat(value(scrape(), "hoop_agent_gateway_connected")).isZero();
    }
}
