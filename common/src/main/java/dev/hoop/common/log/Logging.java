package dev.hoop.common.log;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.LoggerContext;
import ch.qos.logback.classic.encoder.PatternLayoutEncoder;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.ConsoleAppender;
import ch.qos.logback.core.encoder.Encoder;
import ch.qos.logback.core.encoder.LayoutWrappingEncoder;
import java.util.Locale;
import org.slf4j.LoggerFactory;

/**
 * Configures Logback once at process start from LOG_LEVEL / LOG_ENCODING / LOG_GRPC
 * (the seed's names). Logs go to stderr so that command output on stdout stays clean.
 */
public final class Logging {
    private Logging() {}

    /**
     * @param level    debug, info, warn or error
     * @param encoding json or console
     * @param grpc     true logs gRPC frames (grpc-netty's frame loggers at debug, authorization headers dropped)
     */
    public static void configure(String level, String encoding, boolean grpc) {
        LoggerContext ctx = (LoggerContext) LoggerFactory.getILoggerFactory();
        ctx.reset();
        ConsoleAppender<ILoggingEvent> appender = new ConsoleAppender<>();
        appender.setContext(ctx);
        appender.setName("stderr");
        appender.setTarget("System.err");
        appender.setEncoder(encoder(ctx, encoding));
        appender.start();

        Logger root = ctx.getLogger(Logger.ROOT_LOGGER_NAME);
        root.setLevel(Level.toLevel(level.toUpperCase(Locale.ROOT), Level.INFO));
        root.addAppender(appender);
        // Libraries are chatty at debug; keep them at info unless gRPC frames were asked for.
        ctx.getLogger("io.grpc").setLevel(grpc ? Level.DEBUG : Level.INFO);
        ctx.getLogger("io.netty").setLevel(Level.INFO);
        ctx.getLogger("com.zaxxer.hikari").setLevel(Level.INFO);
        ctx.getLogger("org.flywaydb").setLevel(Level.INFO);
        ctx.getLogger("io.helidon").setLevel(Level.INFO);
        ctx.getLogger("io.lettuce").setLevel(Level.INFO);
        // Lettuce warns at every connect that epoll and io_uring are both there; the router gives it its loops'
        // channels through ClientResources (router LoopChannels), so the choice that warning is about is unused.
        ctx.getLogger("io.lettuce.core.resource.Transports").setLevel(Level.ERROR);
        // gRPC's channel warns "Failed to resolve name" with the UnknownHostException's stack trace before
        // the agent's and the CLI's own one line ("cannot reach the gateway at db:8010: unknown host db",
        // DialFailure) says it plainly: the trace only at debug.
        boolean debug = level.equalsIgnoreCase("debug");
        if (!debug && !grpc) {
            ctx.getLogger("io.grpc.internal.ManagedChannelImpl").setLevel(Level.ERROR);
        }
        // Helidon and parts of gRPC log through java.util.logging: one format for every line
        JulBridge.install(level.equalsIgnoreCase("debug") || grpc);
        // Frame logs (LOG_GRPC) print HTTP/2 headers: never let an authorization header through.
        // Only then: a turbo filter runs on every level check, and Netty's io_uring transport checks
        // its trace level on every completion (1-2 % of a relay's CPU, profiled).
        if (grpc) {
            FrameLogRedaction.install();
        }
    }

    private static Encoder<ILoggingEvent> encoder(LoggerContext ctx, String encoding) {
        if ("json".equalsIgnoreCase(encoding)) {
            LayoutWrappingEncoder<ILoggingEvent> enc = new LayoutWrappingEncoder<>();
            JsonLineLayout layout = new JsonLineLayout();
            layout.setContext(ctx);
            layout.start();
            enc.setLayout(layout);
            enc.setContext(ctx);
            enc.start();
            return enc;
        }
        PatternLayoutEncoder enc = new PatternLayoutEncoder();
        enc.setContext(ctx);
        enc.setPattern("%d{yyyy-MM-dd'T'HH:mm:ss.SSSXXX} %-5level [%thread] %logger{20} - %msg%n%ex");
        enc.start();
        return enc;
    }
}
