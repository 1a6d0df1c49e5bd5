package dev.hoop.common.log;

import static org.assertj.core.api.Assertions.assertThat;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.LoggerContext;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.slf4j.LoggerFactory;

/** gRPC frame lines that carry an authorization header never reach an appender; other lines do. */
class FrameLogRedactionTest {
    @Test
    void headerBlocksWithCredentialsAreDroppedOthersKept() {
        LoggerContext ctx = (LoggerContext) LoggerFactory.getILoggerFactory();
        FrameLogRedaction filter = new FrameLogRedaction();
        filter.start();
        ctx.addTurboFilter(filter);
        Logger frames = (Logger) LoggerFactory.getLogger("io.grpc.netty.NettyServerHandler");
        ListAppender<ILoggingEvent> seen = new ListAppender<>();
        seen.start();
        Level previous = frames.getLevel();
        frames.setLevel(Level.DEBUG);
        frames.addAppender(seen);
        try {
            frames.debug("INBOUND HEADERS: headers={}", Map.of("authorization", "Bearer secret-token-1"));
            frames.debug("INBOUND HEADERS: headers=[authorization: Bearer secret-token-2]");
            frames.debug("OUTBOUND DATA: streamId={} length={}", 3, 42);
            assertThat(seen.list).extracting(ILoggingEvent::getFormattedMessage).containsExactly("OUTBOUND DATA: streamId=3 length=42");
        } finally {
            frames.detachAppender(seen);
            frames.setLevel(previous);
            ctx.getTurboFilterList().remove(filter);
        }
    }
}
