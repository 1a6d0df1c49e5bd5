package dev.hoop.client.session;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.util.List;

/** The JSON spec values a session sends (structured spec values are JSON, docs/architecture.md#spec-keys). */
final class Json {
    private static final ObjectMapper MAPPER = new ObjectMapper();

    private Json() {}

    static String array(List<String> values) {
        try {
            return MAPPER.writeValueAsString(values);
        } catch (JsonProcessingException e) {
            throw new IllegalArgumentException(e);
        }
    }

    static String terminalSize(int rows, int cols) {
        return "{\"rows\":" + rows + ",\"cols\":" + cols + "}";
    }
}
