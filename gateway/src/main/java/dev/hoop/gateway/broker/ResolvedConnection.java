package dev.hoop.gateway.broker;

import dev.hoop.common.wire.ConnectionParams;
import java.util.UUID;

/**
 * A connection a user may open, with what its agent needs to reach the resource.
 *
 * @param masking the agent's data masking config string and the org's hash key, or null for none
 */
record ResolvedConnection(UUID id, UUID orgId, String name, String type, UUID agentId, String agentName, ConnectionParams params,
                          Masking masking) {

    /** What the agent needs to mask results: the config string (docs/masking-setup.md) and the HASH format's key. */
    record Masking(String config, byte[] hashKey) {
        @Override
        public String toString() {
            return "Masking[config=" + config + ", hashKey=(" + hashKey.length + " bytes)]";
        }
    }

    ResolvedConnection(UUID id, UUID orgId, String name, String type, UUID agentId, String agentName, ConnectionParams params) {
        this(id, orgId, name, type, agentId, agentName, params, null);
    }
}
