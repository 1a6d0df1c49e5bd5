package dev.hoop.common.log;

import static org.assertj.core.api.Assertions.assertThat;

import ch.qos.logback.classic.LoggerContext;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.slf4j.LoggerFactory;

/** The frame-log redaction is installed exactly when gRPC frames are logged. */
class LoggingTest {
    private final LoggerContext ctx = (LoggerContext) LoggerFactory.getILoggerFactory();

    @AfterEach
    void restore() {
        ctx.reset();
    }

    @Test
    void noTurboFilterWithoutFrameLogs() {
        Logging.configure("info", "console", false);
        assertThat(ctx.getTurboFilterList()).isEmpty();
    }

    @Test
    void frameLogsComeWithTheirRedaction() {
        Logging.configure("info", "console", true);
        assertThat(ctx.getTurboFilterList()).hasAtLeastOneElementOfType(FrameLogRedaction.class);
        assertThat(ctx.getLogger("io.grpc").getLevel()).hasToString("DEBUG");
    }

    @Test
    void grpcsNameResolutionWarningWithItsStackTraceOnlyAtDebug() {
        Logging.configure("info", "console", false);
        assertThat(ctx.getLogger("io.grpc.internal.ManagedChannelImpl").isEnabledFor(ch.qos.logback.classic.Level.WARN)).isFalse();
        assertThat(ctx.getLogger("io.grpc.internal.ManagedChannelImpl").isEnabledFor(ch.qos.logback.classic.Level.ERROR)).isTrue();
        Logging.configure("debug", "console", false);
        assertThat(ctx.getLogger("io.grpc.internal.ManagedChannelImpl").isEnabledFor(ch.qos.logback.classic.Level.WARN)).isTrue();
    }
}
