package dev.hoop.agent.postgres;

import static org.assertj.core.api.Assertions.assertThat;

import dev.hoop.common.wire.ConnectionParams;
import io.netty.channel.EventLoopGroup;
import java.io.DataInputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Authentication requests PostgreSQL can make but the agent does not answer (a real server needs
 * Kerberos/SSPI/channel binding set up for these), played by a minimal server that sends one
 * authentication request after the startup message.
 */
class UnsupportedAuthTest {
    private static EventLoopGroup group;

    @BeforeAll
    static void start() {
        group = SharedServer.eventLoops();
    }

    @AfterAll
    static void stop() {
        group.shutdownGracefully().syncUninterruptibly();
    }

    private static byte[] authRequest(int code, byte[] extra) {
        int length = 8 + extra.length;
        byte[] m = new byte[1 + length];
        m[0] = 'R';
        m[1] = (byte) (length >>> 24); m[2] = (byte) (length >>> 16); m[3] = (byte) (length >>> 8); m[4] = (byte) length;
        m[5] = (byte) (code >>> 24); m[6] = (byte) (code >>> 16); m[7] = (byte) (code >>> 8); m[8] = (byte) code;
        System.arraycopy(extra, 0, m, 9, extra.length);
        return m;
    }

    static Stream<Arguments> requests() {
        String hint = "\nHINT:  Supported: SCRAM-SHA-256, MD5 and cleartext password; change pg_hba.conf for this user.";
        return Stream.of(
                Arguments.of("Kerberos", authRequest(2, new byte[0]),
                        "the server at 127.0.0.1:%d asks for Kerberos V5 authentication, which the hoop agent does not support" + hint),
                Arguments.of("GSSAPI", authRequest(7, new byte[0]),
                        "the server at 127.0.0.1:%d asks for GSSAPI authentication, which the hoop agent does not support" + hint),
                Arguments.of("SSPI", authRequest(9, new byte[0]),
                        "the server at 127.0.0.1:%d asks for SSPI authentication, which the hoop agent does not support" + hint),
                Arguments.of("SCRAM with channel binding only", authRequest(10, "SCRAM-SHA-256-PLUS\0\0".getBytes()),
                        "the server at 127.0.0.1:%d offers SASL mechanisms [SCRAM-SHA-256-PLUS] but the hoop agent supports only SCRAM-SHA-256"),
                Arguments.of("not PostgreSQL", "HTTP/1.1 400 Bad Request\r\n\r\n".getBytes(),
                        "the server at 127.0.0.1:%d sent a message of type 'H' and length 1414811695 during authentication; is it a PostgreSQL server?"));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("requests")
    void unsupportedRequestsReachPsqlAsFatalErrors(String name, byte[] request, String expected) throws Exception {
        try (ServerSocket fake = new ServerSocket(0, 5, InetAddress.getLoopbackAddress())) {
            Thread.ofVirtual().start(() -> answerOnce(fake, request));
            ConnectionParams params = new ConnectionParams("pg-fake", "postgres", null, Map.of(
                    "HOST", "127.0.0.1", "PORT", String.valueOf(fake.getLocalPort()), "USER", "u", "PASS", "p"));
            try (TunnelHarness tunnel = new TunnelHarness(new PostgresHandlers(group), params)) {
                Psql.Result r = Psql.run(tunnel.port(), "x", "y", "select 1");
                assertThat(r.stderr().replaceFirst("port \\d+ failed", "port N failed")).isEqualTo(
                        "psql: error: connection to server at \"127.0.0.1\", port N failed: FATAL:  "
                                + expected.formatted(fake.getLocalPort()) + "\n");
                assertThat(r.exitCode()).isEqualTo(2);
            }
        }
    }

    @org.junit.jupiter.api.Test
    void requiredTlsThatTheServerRefusesIsAFatalError() throws Exception {
        try (ServerSocket fake = new ServerSocket(0, 5, InetAddress.getLoopbackAddress())) {
            Thread.ofVirtual().start(() -> answerOnce(fake, new byte[] {'N'}));
            ConnectionParams params = new ConnectionParams("pg-fake", "postgres", null, Map.of("HOST", "127.0.0.1",
                    "PORT", String.valueOf(fake.getLocalPort()), "USER", "u", "PASS", "p", "SSLMODE", "require"));
            try (TunnelHarness tunnel = new TunnelHarness(new PostgresHandlers(group), params)) {
                Psql.Result r = Psql.run(tunnel.port(), "x", "y", "select 1");
                assertThat(r.stderr().replaceFirst("port \\d+ failed", "port N failed")).isEqualTo(
                        "psql: error: connection to server at \"127.0.0.1\", port N failed: FATAL:  the server at 127.0.0.1:"
                                + fake.getLocalPort() + " does not accept SSL connections, but SSLMODE=require\n"
                                + "HINT:  Enable ssl on the server or change SSLMODE in the connection's secrets.\n");
            }
        }
    }

    private static void answerOnce(ServerSocket fake, byte[] request) {
        try (Socket s = fake.accept()) {
            DataInputStream in = new DataInputStream(s.getInputStream());
            byte[] startup = new byte[in.readInt() - 4];
            in.readFully(startup);
            OutputStream out = s.getOutputStream();
            out.write(request);
            out.flush();
            in.read(); // wait for the agent to hang up
        } catch (IOException e) {
            // the agent closed first
        }
    }
}
