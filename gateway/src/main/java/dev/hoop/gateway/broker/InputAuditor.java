package dev.hoop.gateway.broker;

import dev.hoop.gateway.audit.SessionRecording;
import dev.hoop.proto.Packet;

/**
 * Decides what of a client's input a session records: exec input and terminal keystrokes as they
 * are; for PostgreSQL the statements, not the raw bytes. One instance per session (it may keep
 * per-connection parsing state).
 */
interface InputAuditor {
    /** The client's AgentSessionOpen (its payload is an exec's input). */
    void opened(SessionRecording recording, Packet open);

    /** A packet the client sent during the session. */
    void fromClient(SessionRecording recording, Packet packet);

    /** A packet the agent sent to the client (the server's answers, for results). */
    default void fromAgent(SessionRecording recording, Packet packet) {}

    /** The session ended: release parsing state. */
    default void closed(SessionRecording recording) {}
}
