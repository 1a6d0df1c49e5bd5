package dev.hoop.gateway.broker;

import dev.hoop.common.wire.ConnectionParams;
import java.util.UUID;

/** A connection a user may open, with what its agent needs to reach the resource. */
record ResolvedConnection(UUID id, UUID orgId, String name, String type, UUID agentId, String agentName, ConnectionParams params) {}
