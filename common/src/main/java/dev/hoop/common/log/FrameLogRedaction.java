package dev.hoop.common.log;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.LoggerContext;
import ch.qos.logback.classic.turbo.TurboFilter;
import ch.qos.logback.core.spi.FilterReply;
import java.util.Locale;
import org.slf4j.LoggerFactory;
import org.slf4j.Marker;

/**
 * With {@code LOG_GRPC=true}, gRPC's frame logger prints every HTTP/2 header block, including the
 * {@code authorization} header of clients and agents (their tokens and keys). This filter drops
 * those lines, so that no credential reaches a log even while frames are being debugged; every
 * other frame line stays.
 */
final class FrameLogRedaction extends TurboFilter {
    private static final String FRAME_LOGGERS = "io.grpc.netty";

    static void install() {
        if (LoggerFactory.getILoggerFactory() instanceof LoggerContext ctx) {
            FrameLogRedaction f = new FrameLogRedaction();
            f.start();
            ctx.addTurboFilter(f);
        }
    }

    @Override
    public FilterReply decide(Marker marker, Logger logger, Level level, String format, Object[] params, Throwable t) {
        if (logger == null || level == null || level.isGreaterOrEqual(Level.INFO) || !logger.getName().startsWith(FRAME_LOGGERS)) {
            return FilterReply.NEUTRAL;
        }
        // through the JUL bridge the message arrives formatted; through SLF4J the headers are a parameter
        if (format != null && format.toLowerCase(Locale.ROOT).contains("authorization")) {
            return FilterReply.DENY;
        }
        for (Object p : params == null ? new Object[0] : params) {
            if (p != null && p.toString().toLowerCase(Locale.ROOT).contains("authorization")) {
                return FilterReply.DENY;
            }
        }
        return FilterReply.NEUTRAL;
    }
}
