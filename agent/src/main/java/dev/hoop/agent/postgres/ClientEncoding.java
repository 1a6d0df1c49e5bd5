package dev.hoop.agent.postgres;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.Locale;

/**
 * The client encoding of a connection's values, as the server last reported it
 * ({@code ParameterStatus client_encoding}), and the decoding of values in it. Masking reads values
 * as UTF-8 only: under any other encoding it refuses rather than mask bytes it misreads. Kept apart
 * because row values, notices and COPY rows all decode by it. Not thread-safe: one per connection.
 */
final class ClientEncoding {
    private String name = "UTF8";

    /** A ParameterStatus message's body: remembers client_encoding, ignores the other settings. */
    void parameterStatus(byte[] body) {
        ByteBuffer in = ByteBuffer.wrap(body);
        if (MessageBytes.cstring(in).equals("client_encoding")) {
            name = MessageBytes.cstring(in).toUpperCase(Locale.ROOT);
        }
    }

    String decode(byte[] body) {
        return decode(body, 0, body.length);
    }

    /** @throws MaskingRefusal when the client encoding is not one masking reads */
    String decode(byte[] bytes, int offset, int length) {
        if (!name.equals("UTF8") && !name.equals("UNICODE") && !name.equals("SQL_ASCII")) {
            throw new MaskingRefusal("0A000", "client_encoding " + name + " is not supported with data masking;"
                    + " set client_encoding to UTF8");
        }
        return new String(bytes, offset, length, StandardCharsets.UTF_8);
    }
}
