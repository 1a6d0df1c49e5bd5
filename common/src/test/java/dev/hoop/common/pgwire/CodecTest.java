package dev.hoop.common.pgwire;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

class CodecTest {

    static Stream<Arguments> encodings() {
        return Stream.of(
                Arguments.of("ReadyForQuery", BackendMessages.readyForQuery('T'), new byte[] {'Z', 0, 0, 0, 5, 'T'}),
                Arguments.of("AuthenticationOk", BackendMessages.authenticationOk(), new byte[] {'R', 0, 0, 0, 8, 0, 0, 0, 0}),
                Arguments.of("ParameterStatus", BackendMessages.parameterStatus("a", "b"), new byte[] {'S', 0, 0, 0, 8, 'a', 0, 'b', 0}),
                Arguments.of("BackendKeyData", BackendMessages.backendKeyData(1, 2), new byte[] {'K', 0, 0, 0, 12, 0, 0, 0, 1, 0, 0, 0, 2}),
                Arguments.of("SSLRequest", new StartupPacket.SslRequest().encode(), new byte[] {0, 0, 0, 8, 4, (byte) 0xd2, 0x16, 0x2f}),
                Arguments.of("GSSENCRequest", new StartupPacket.GssEncRequest().encode(), new byte[] {0, 0, 0, 8, 4, (byte) 0xd2, 0x16, 0x30}),
                Arguments.of("CancelRequest", new StartupPacket.CancelRequest(7, -1).encode(),
                        new byte[] {0, 0, 0, 16, 4, (byte) 0xd2, 0x16, 0x2e, 0, 0, 0, 7, -1, -1, -1, -1}),
                Arguments.of("ErrorResponse", ErrorResponse.error("42501", "no", "ask").encode(),
                        new byte[] {'E', 0, 0, 0, 35, 'S', 'E', 'R', 'R', 'O', 'R', 0, 'V', 'E', 'R', 'R', 'O', 'R', 0,
                                'C', '4', '2', '5', '0', '1', 0, 'M', 'n', 'o', 0, 'H', 'a', 's', 'k', 0, 0}),
                Arguments.of("Sync", FrontendMessages.sync(), new byte[] {'S', 0, 0, 0, 4}),
                Arguments.of("PasswordMessage", FrontendMessages.password("pw"), new byte[] {'p', 0, 0, 0, 7, 'p', 'w', 0}),
                Arguments.of("SASLInitialResponse", FrontendMessages.saslInitialResponse("M", new byte[] {9}),
                        new byte[] {'p', 0, 0, 0, 11, 'M', 0, 0, 0, 0, 1, 9}));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("encodings")
    void encodesExactly(String name, byte[] actual, byte[] expected) {
        assertThat(actual).isEqualTo(expected);
    }

    @Test
    void errorResponseRoundTrips() {
        ErrorResponse error = new ErrorResponse("FATAL", "28P01", "password authentication failed", "d", null);
        byte[] encoded = error.encode();
        assertThat(ErrorResponse.decode(Arrays.copyOfRange(encoded, 5, encoded.length))).isEqualTo(error);
    }

    @Test
    void errorResponseRejectsABadSqlState() {
        assertThatThrownBy(() -> ErrorResponse.error("123", "m", null))
                .hasMessage("sqlState: '123' (expected: 5 characters)");
    }

    @Test
    void startupMessageRoundTripsKeepingParameterOrder() {
        Map<String, String> params = new LinkedHashMap<>();
        params.put("user", "u");
        params.put("database", "d");
        params.put("application_name", "psql");
        StartupPacket.StartupMessage message = new StartupPacket.StartupMessage(StartupPacket.PROTOCOL_3_0, params);
        StartupPacket decoded = StartupPacket.decode(message.encode());
        assertThat(decoded).isEqualTo(message);
        assertThat(((StartupPacket.StartupMessage) decoded).with("user", "x").parameters().keySet())
                .containsExactly("user", "database", "application_name");
    }

    @Test
    void cancelRequestHidesTheSecretKey() {
        assertThat(new StartupPacket.CancelRequest(5, 1234567).toString()).isEqualTo("CancelRequest[processId=5]");
    }
}
