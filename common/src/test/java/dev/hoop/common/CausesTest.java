package dev.hoop.common;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.ConnectException;
import java.sql.SQLException;
import java.util.concurrent.CompletionException;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

class CausesTest {

    static Stream<Arguments> messages() {
        return Stream.of(
                Arguments.of(new IOException("disk full"), "disk full"),
                Arguments.of(new CompletionException(new UncheckedIOException("wrapped", new IOException("disk full"))), "disk full"),
                Arguments.of(new RuntimeException("outer", new ConnectException("finishConnect(..) failed with error(-111): Connection refused")),
                        "Connection refused"),
                Arguments.of(new ConnectException("finishConnect(..) failed: Connection refused"), "Connection refused"),
                Arguments.of(new ConnectException("io_uring connect(..) failed with error(-111): Connection refused"), "Connection refused"),
                Arguments.of(new RuntimeException("outer", new IllegalStateException()), "IllegalStateException"),
                Arguments.of(new RuntimeException("outer", new IllegalStateException(" ")), "IllegalStateException"),
                // a message that merely contains "): " keeps it: only Netty's own prefix is removed
                Arguments.of(new SQLException("ERROR: f(x): bad input"), "ERROR: f(x): bad input"));
    }

    @ParameterizedTest
    @MethodSource("messages")
    void messageIsTheRootCausesText(Throwable error, String expected) {
        assertThat(Causes.message(error)).isEqualTo(expected);
    }

    @Test
    void aCycleIsWalkedOnce() {
        RuntimeException a = new RuntimeException("a");
        RuntimeException b = new RuntimeException("b", a);
        a.initCause(b);
        assertThat(Causes.chain(a)).containsExactly(a, b);
        assertThat(Causes.root(a)).isSameAs(b);
        assertThat(Causes.message(a)).isEqualTo("b");
    }

    @Test
    void hasAndMentionsLookAtEveryLink() {
        Throwable e = new RuntimeException("top", new UncheckedIOException("mid", new ConnectException("Connection refused: /127.0.0.1:1")));
        assertThat(Causes.has(e, ConnectException.class)).isTrue();
        assertThat(Causes.has(e, SQLException.class)).isFalse();
        assertThat(Causes.mentions(e, "Connection refused")).isTrue();
        assertThat(Causes.mentions(e, "timed out")).isFalse();
        assertThat(Causes.root(new IOException("alone"))).hasMessage("alone");
    }
}
