package dev.hoop.agent.exec;

import dev.hoop.common.wire.ConnectionParams;

/** Runs an exec script as SQL on the connection's database (implemented by the postgres handlers). */
public interface SqlExecutor {
    /** Starts the script; never throws: failures are reported through {@code out} (stderr, then the exit code). */
    ExecHandle runSql(ConnectionParams params, byte[] script, ProcessOutput out);

    /** The same with the session's data masking applied to the results (per column). */
    ExecHandle runSql(ConnectionParams params, byte[] script, ProcessOutput out, dev.hoop.agent.dlp.SessionMasking masking);
}
