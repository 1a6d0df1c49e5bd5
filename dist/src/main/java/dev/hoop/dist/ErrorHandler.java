package dev.hoop.dist;

import picocli.CommandLine;

/**
 * Turns an exception escaping a command into one line on stderr and exit code 1: users see what
 * went wrong, not a stack trace (set HOOP_DEBUG=1 for the trace).
 */
final class ErrorHandler implements CommandLine.IExecutionExceptionHandler {
    @Override
    public int handleExecutionException(Exception ex, CommandLine cmd, CommandLine.ParseResult parsed) {
        cmd.getErr().println("error: " + (ex.getMessage() == null ? ex.toString() : ex.getMessage()));
        if (System.getenv("HOOP_DEBUG") != null) {
            ex.printStackTrace(cmd.getErr());
        }
        return 1;
    }
}
