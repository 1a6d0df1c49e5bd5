package dev.hoop.agent.exec;

/** A running exec (a process or a SQL script) that the session can stop. */
public interface ExecHandle {
    /** Stops it; no exit is reported afterwards. Idempotent. */
    void kill();
}
