package dev.hoop.gateway.broker;

import dev.hoop.gateway.auth.Principal;
import dev.hoop.gateway.store.Agents.Agent;

/** Who opened a {@code Connect} stream, as authenticated by the transport from the stream's metadata. */
public sealed interface StreamPeer {

    /** An agent, identified by its key, with what it reported about itself. */
    record AgentPeer(Agent agent, String hostname, String version, String platform) implements StreamPeer {}

    /**
     * A client (CLI or API) of a signed-in user.
     *
     * @param origin         {@code client} or {@code client-api}
     * @param verb           {@code connect} or {@code exec}; may be null
     * @param connectionName the connection to open; may be null
     */
    record ClientPeer(Principal principal, String origin, String verb, String connectionName) implements StreamPeer {}
}
