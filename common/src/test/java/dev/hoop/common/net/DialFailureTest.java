package dev.hoop.common.net;

import static org.assertj.core.api.Assertions.assertThat;

import io.grpc.Status;
import java.io.IOException;
import java.net.ConnectException;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.net.UnknownHostException;
import java.nio.channels.UnresolvedAddressException;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.api.Test;

class DialFailureTest {

    static Stream<Arguments> failures() {
        return Stream.of(
                Arguments.of(new UnknownHostException("db: Name or service not known"), "unknown host db"),
                Arguments.of(Status.UNAVAILABLE.withDescription("Unable to resolve host db")
                        .withCause(new UnknownHostException("db")).asRuntimeException(), "unknown host db"),
                Arguments.of(new IOException("wrapped", new UnresolvedAddressException()), "unknown host db"),
                Arguments.of(Status.UNAVAILABLE.withDescription("io exception").withCause(
                        new ConnectException("finishConnect(..) failed with error(-111): Connection refused")).asRuntimeException(),
                        "connection refused"),
                Arguments.of(new ConnectException(), "connection refused"),
                Arguments.of(new SocketTimeoutException("Connect timed out"), "connection timed out"),
                Arguments.of(new java.net.NoRouteToHostException("No route to host"), "no route to host db"));
    }

    @ParameterizedTest
    @MethodSource("failures")
    void eachDialFailureHasOneShortReason(Throwable error, String reason) {
        assertThat(DialFailure.reason(error, "db")).contains(reason);
        assertThat(DialFailure.sentence("the gateway", "db", 8010, error)).contains("cannot reach the gateway at db:8010: " + reason);
    }

    @Test
    void otherErrorsAreLeftToTheCaller() {
        assertThat(DialFailure.reason(new javax.net.ssl.SSLException("not an SSL/TLS record"), "db")).isEmpty();
        assertThat(DialFailure.reason(Status.UNAVAILABLE.withDescription("io exception").asRuntimeException(), "db")).isEmpty();
        assertThat(DialFailure.reason(null, "db")).isEmpty();
    }

    @Test
    void realRefusedAndUnknownHostDialsAreRecognised() throws IOException {
        int port;
        try (ServerSocket s = new ServerSocket(0)) {
            port = s.getLocalPort();
        }
        try (Socket s = new Socket()) {
            s.connect(new InetSocketAddress("127.0.0.1", port), 2000);
            throw new AssertionError("a closed port accepted a connection");
        } catch (IOException e) {
            assertThat(DialFailure.reason(e, "127.0.0.1")).contains("connection refused");
        }
        try {
            java.net.InetAddress.getByName("no-such-host.invalid");
            throw new AssertionError("no-such-host.invalid resolved");
        } catch (UnknownHostException e) {
            assertThat(DialFailure.sentence("the database", "no-such-host.invalid", 5432, e))
                    .contains("cannot reach the database at no-such-host.invalid:5432: unknown host no-such-host.invalid");
        }
    }

    @Test
    void ipv6LiteralsAreBracketed() {
        assertThat(DialFailure.address("::1", 8010)).isEqualTo("[::1]:8010");
        assertThat(DialFailure.address("db", 5432)).isEqualTo("db:5432");
    }
}
