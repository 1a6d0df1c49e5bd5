package dev.hoop.gateway.metrics;

import dev.hoop.common.wire.ConnectionType;
import dev.hoop.common.wire.Verb;
import io.prometheus.metrics.core.datapoints.CounterDataPoint;
import io.prometheus.metrics.core.datapoints.GaugeDataPoint;
import io.prometheus.metrics.core.metrics.Counter;
import io.prometheus.metrics.core.metrics.Gauge;
import io.prometheus.metrics.model.registry.PrometheusRegistry;

/**
 * Sessions and the traffic they relay. The label values of a session (its connection type and
 * verb) are resolved once, when it opens, into a {@link Relay}: counting a packet on the event
 * loop is then two adder increments, with no lookup and no allocation.
 */
public final class SessionMetrics {
    static final String TO_AGENT = "to_agent";
    static final String TO_CLIENT = "to_client";

    private final Counter opened;
    private final Gauge open;
    private final Counter packets;
    private final Counter bytes;

    SessionMetrics(PrometheusRegistry registry) {
        opened = Counter.builder().name("hoop_sessions_opened_total").help("Sessions opened (client joined to an agent), by connection type and verb")
                .labelNames("type", "verb").withoutExemplars().register(registry);
        open = Gauge.builder().name("hoop_sessions_open").help("Sessions open right now, by connection type and verb")
                .labelNames("type", "verb").withoutExemplars().register(registry);
        packets = Counter.builder().name("hoop_relay_packets_total")
                .help("Packets relayed between clients and agents, by direction and connection type")
                .labelNames("direction", "type").withoutExemplars().register(registry);
        bytes = Counter.builder().name("hoop_relay_bytes_total")
                .help("Payload bytes relayed between clients and agents, by direction and connection type")
                .labelNames("direction", "type").withoutExemplars().register(registry);
        // every series exists from the start, at 0: a dashboard shows 0 rather than "no data", and
        // rate() sees a session's first packets (the label sets are closed, so this is all of them)
        for (ConnectionType type : ConnectionType.values()) {
            for (Verb verb : type.verbs()) {
                opened.labelValues(type.wireName(), verb.wireName());
                open.labelValues(type.wireName(), verb.wireName());
            }
            if (!type.verbs().isEmpty()) {
                for (String direction : new String[] {TO_AGENT, TO_CLIENT}) {
                    packets.labelValues(direction, type.wireName());
                    bytes.labelValues(direction, type.wireName());
                }
            }
        }
    }

    /** A session for other tests' brokers: counted in a registry nobody reads. */
    public static SessionMetrics detached() {
        return new SessionMetrics(new PrometheusRegistry());
    }

    /** Counts a session that opened; the caller must {@link Relay#closed()} it once. */
    public Relay opened(ConnectionType type, Verb verb) {
        String t = type.wireName();
        String v = verb.wireName();
        opened.labelValues(t, v).inc();
        GaugeDataPoint openNow = open.labelValues(t, v);
        openNow.inc();
        return new Relay(openNow, packets.labelValues(TO_AGENT, t), bytes.labelValues(TO_AGENT, t),
                packets.labelValues(TO_CLIENT, t), bytes.labelValues(TO_CLIENT, t));
    }

    /** One session's counters, resolved at open. Any thread. */
    public static final class Relay {
        private final GaugeDataPoint openNow;
        private final CounterDataPoint packetsToAgent;
        private final CounterDataPoint bytesToAgent;
        private final CounterDataPoint packetsToClient;
        private final CounterDataPoint bytesToClient;

        private Relay(GaugeDataPoint openNow, CounterDataPoint packetsToAgent, CounterDataPoint bytesToAgent,
                      CounterDataPoint packetsToClient, CounterDataPoint bytesToClient) {
            this.openNow = openNow;
            this.packetsToAgent = packetsToAgent;
            this.bytesToAgent = bytesToAgent;
            this.packetsToClient = packetsToClient;
            this.bytesToClient = bytesToClient;
        }

        /** A packet went from the client to the agent. */
        public void toAgent(int payloadBytes) {
            packetsToAgent.inc(1L);
            bytesToAgent.inc((long) payloadBytes);
        }

        /** A packet went from the agent to the client. */
        public void toClient(int payloadBytes) {
            packetsToClient.inc(1L);
            bytesToClient.inc((long) payloadBytes);
        }

        /** The session ended (call once). */
        public void closed() {
            openNow.dec();
        }
    }
}
