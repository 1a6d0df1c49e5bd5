package dev.hoop.agent.transport;

import dev.hoop.common.Version;
import dev.hoop.common.dsn.AgentDsn;
import dev.hoop.common.wire.Wire;
import io.grpc.Metadata;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.List;
import java.util.Locale;

/**
 * What the agent tells the gateway on {@code Connect}: its key (as a bearer token) and where it runs.
 * {@link #toString()} never shows the key.
 */
public record AgentIdentity(AgentDsn dsn, String hostname, String version, String platform, List<String> connectionItems) {
    public AgentIdentity {
        connectionItems = List.copyOf(connectionItems);
    }

    public static AgentIdentity of(AgentDsn dsn) {
        return new AgentIdentity(dsn, localHostname(), Version.current(),
                System.getProperty("os.name").toLowerCase(Locale.ROOT) + "/" + System.getProperty("os.arch"), List.of());
    }

    /** The same identity, publishing {@code items} (HOOP_CONNECTION) in the {@code connection-items} metadata. */
    public AgentIdentity publishing(List<String> items) {
        return new AgentIdentity(dsn, hostname, version, platform, items);
    }

    Metadata metadata() {
        Metadata md = new Metadata();
        md.put(Wire.ORIGIN, Wire.ORIGIN_AGENT);
        md.put(Wire.AUTHORIZATION, "Bearer " + dsn.secret());
        md.put(Wire.VERSION, version);
        md.put(Wire.HOSTNAME, hostname);
        md.put(Wire.PLATFORM, platform);
        if (!connectionItems.isEmpty()) {
            md.put(Wire.CONNECTION_ITEMS, String.join(",", connectionItems));
        }
        return md;
    }

    private static String localHostname() {
        String env = System.getenv("HOSTNAME");
        if (env != null && !env.isBlank()) {
            return env.trim();
        }
        try {
            return InetAddress.getLocalHost().getHostName();
        } catch (UnknownHostException e) {
            return "unknown";
        }
    }

    @Override
    public String toString() {
        return "AgentIdentity[" + dsn + ", hostname=" + hostname + ", version=" + version + ", platform=" + platform
                + ", connectionItems=" + connectionItems + "]";
    }
}
