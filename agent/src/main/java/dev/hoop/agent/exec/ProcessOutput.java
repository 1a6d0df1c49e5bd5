package dev.hoop.agent.exec;

import java.util.concurrent.CompletionStage;

/**
 * Where a command's output goes (the client, through the gateway stream). Each stage completes
 * when the transport can take more; the command's pipe is read again only then (backpressure).
 */
public interface ProcessOutput {
    CompletionStage<Void> stdout(byte[] chunk);

    CompletionStage<Void> stderr(byte[] chunk);

    /** Called once, after all output was sent. */
    void exited(int exitCode);
}
