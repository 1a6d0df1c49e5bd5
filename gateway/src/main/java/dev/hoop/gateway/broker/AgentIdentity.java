package dev.hoop.gateway.broker;

import java.time.Instant;
import java.util.UUID;

/** An authenticated agent stream: which agent row it is, and what it told about itself. */
public record AgentIdentity(UUID id, UUID orgId, String name, String hostname, String version, String platform, Instant connectedAt) {}
