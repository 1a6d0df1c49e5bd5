package dev.hoop.gateway.broker;

/** An authenticated agent stream: which agent row it is, and what it told about itself. */
public record AgentIdentity(String id, String orgId, String name, String hostname, String version, String platform) {}
