package dev.hoop.gateway.broker;

import dev.hoop.common.wire.ConnectionParams;

/** A connection a user may open, with what its agent needs to reach the resource. */
public record ResolvedConnection(String id, String name, String type, String agentId, String agentName, ConnectionParams params) {}
