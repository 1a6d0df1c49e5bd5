package dev.hoop.agent.transport;

import dev.hoop.agent.masking.InfoType;
import dev.hoop.common.wire.ConnectionType;
import dev.hoop.common.wire.Verb;
import io.prometheus.metrics.core.datapoints.CounterDataPoint;
import io.prometheus.metrics.core.metrics.Counter;
import io.prometheus.metrics.core.metrics.CounterWithCallback;
import io.prometheus.metrics.core.metrics.GaugeWithCallback;
import io.prometheus.metrics.expositionformats.PrometheusTextFormatWriter;
import io.prometheus.metrics.instrumentation.jvm.JvmMetrics;
import io.prometheus.metrics.model.registry.PrometheusRegistry;
import java.io.IOException;
import java.io.OutputStream;
import java.util.Map;

/**
 * The agent's Prometheus metrics (docs/metrics.md#agent), served on {@code HOOP_METRICS_PORT}
 * when it is set: its link to the gateway, its sessions, the bytes it relays and the values its
 * masking redacted. Labels are closed sets only (connection types, verbs, directions, info types).
 * The per-packet counters are resolved once, so counting a packet is two adder increments.
 */
public final class AgentMetrics {
    private final PrometheusRegistry registry = new PrometheusRegistry();
    private final Counter sessionsOpened;
    private final Counter redactions;
    private final CounterDataPoint packetsFromGateway;
    private final CounterDataPoint bytesFromGateway;
    private final CounterDataPoint packetsToGateway;
    private final CounterDataPoint bytesToGateway;

    private AgentMetrics(boolean jvm) {
        if (jvm) {
            JvmMetrics.builder().register(registry);
        }
        sessionsOpened = Counter.builder().name("hoop_agent_sessions_opened_total").help("Sessions the gateway opened on this agent")
                .labelNames("type", "verb").withoutExemplars().register(registry);
        Counter packets = Counter.builder().name("hoop_agent_relay_packets_total").help("Packets on the gateway stream, by direction")
                .labelNames("direction").withoutExemplars().register(registry);
        Counter bytes = Counter.builder().name("hoop_agent_relay_bytes_total").help("Payload bytes on the gateway stream, by direction")
                .labelNames("direction").withoutExemplars().register(registry);
        redactions = Counter.builder().name("hoop_agent_masking_redactions_total")
                .help("Values the agent's data masking redacted, by info type (counted when a session ends)")
                .labelNames("info_type").withoutExemplars().register(registry);
        packetsFromGateway = packets.labelValues("from_gateway");
        bytesFromGateway = bytes.labelValues("from_gateway");
        packetsToGateway = packets.labelValues("to_gateway");
        bytesToGateway = bytes.labelValues("to_gateway");
        for (ConnectionType type : ConnectionType.values()) {
            for (Verb verb : type.verbs()) {
                sessionsOpened.labelValues(type.wireName(), verb.wireName());
            }
        }
    }

    /** Metrics with the JVM's (memory, GC, threads), for {@code hoop start agent}. */
    public static AgentMetrics create() {
        return new AgentMetrics(true);
    }

    /** Without the JVM's: an agent in a process that has its own (tests, the all-in-one launcher's second registry). */
    public static AgentMetrics withoutJvm() {
        return new AgentMetrics(false);
    }

    /** Gauges and counters read from the controller at scrape time. */
    void watch(AgentController controller, java.util.function.IntSupplier openSessions) {
        GaugeWithCallback.builder().name("hoop_agent_gateway_connected").help("1 while the gateway has accepted this agent's stream, else 0")
                .callback(cb -> cb.call(controller.online() ? 1 : 0)).register(registry);
        CounterWithCallback.builder().name("hoop_agent_gateway_connects_total").help("Streams the gateway accepted (a reconnect adds one)")
                .callback(cb -> cb.call(controller.connections())).register(registry);
        CounterWithCallback.builder().name("hoop_agent_gateway_connect_failures_total")
                .help("Stream attempts that failed before the gateway accepted the agent")
                .callback(cb -> cb.call(controller.failedAttempts())).register(registry);
        GaugeWithCallback.builder().name("hoop_agent_sessions_open").help("Sessions open on this agent right now")
                .callback(cb -> cb.call(openSessions.getAsInt())).register(registry);
    }

    void sessionOpened(ConnectionType type, Verb verb) {
        sessionsOpened.labelValues(type.wireName(), verb.wireName()).inc();
    }

    void fromGateway(int payloadBytes) {
        packetsFromGateway.inc(1L);
        bytesFromGateway.inc((long) payloadBytes);
    }

    void toGateway(int payloadBytes) {
        packetsToGateway.inc(1L);
        bytesToGateway.inc((long) payloadBytes);
    }

    /** A session's redaction counts, added when it ends. */
    void redacted(Map<InfoType, Long> counts) {
        counts.forEach((type, n) -> {
            if (n != null && n > 0) {
                redactions.labelValues(type.name()).inc(n.longValue());
            }
        });
    }

    /** Writes every metric in the Prometheus text format. */
    public void scrape(OutputStream out) throws IOException {
        PrometheusTextFormatWriter.create().write(out, registry.scrape());
    }

    public static final String CONTENT_TYPE = PrometheusTextFormatWriter.CONTENT_TYPE;
}
