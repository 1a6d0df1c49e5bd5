package dev.hoop.common.log;

import java.util.logging.ConsoleHandler;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * grpc-java logs frames through java.util.logging (netty-shaded's Http2 frame logger at FINE);
 * LOG_GRPC=1 turns those on and prints them to stderr.
 */
final class GrpcFrameLogging {
    // Held strongly: j.u.l. keeps loggers weakly and would drop the level otherwise.
    private static Logger grpcLogger;

    private GrpcFrameLogging() {}

    static synchronized void enable() {
        grpcLogger = Logger.getLogger("io.grpc");
        grpcLogger.setLevel(Level.FINE);
        ConsoleHandler handler = new ConsoleHandler();
        handler.setLevel(Level.FINE);
        grpcLogger.addHandler(handler);
    }
}
