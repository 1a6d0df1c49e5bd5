package dev.hoop.gateway.api;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.PropertyNamingStrategies;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.exc.MismatchedInputException;
import com.fasterxml.jackson.datatype.jsr310.JavaTimeModule;
import java.io.IOException;
import java.util.Map;

/** The REST API's JSON: snake_case names, ISO-8601 times, unknown input fields ignored. */
final class Json {
    static final ObjectMapper MAPPER = new ObjectMapper()
            .setPropertyNamingStrategy(PropertyNamingStrategies.SNAKE_CASE)
            .registerModule(new JavaTimeModule())
            .disable(SerializationFeature.WRITE_DATES_AS_TIMESTAMPS)
            .disable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES);

    private Json() {}

    static byte[] write(Object value) {
        try {
            return MAPPER.writeValueAsBytes(value);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("encoding an answer as JSON", e);
        }
    }

    static byte[] message(String message) {
        return write(Map.of("message", message));
    }

    /** Parses a request body; a missing or malformed body is a 400 that says what was expected. */
    static <T> T read(byte[] body, Class<T> type, String expected) {
        if (body == null || body.length == 0) {
            throw ApiException.badRequest("missing JSON body (expected: " + expected + ")");
        }
        try {
            T value = MAPPER.readValue(body, type);
            if (value == null) {
                throw ApiException.badRequest("empty JSON body (expected: " + expected + ")");
            }
            return value;
        } catch (MismatchedInputException e) {
            String field = e.getPath().isEmpty() ? "body" : "field '" + e.getPath().getLast().getFieldName() + "'";
            throw ApiException.badRequest("invalid " + field + " (expected: " + expected + ")");
        } catch (JsonProcessingException e) {
            throw ApiException.badRequest("invalid JSON: " + e.getOriginalMessage() + " (expected: " + expected + ")");
        } catch (IOException e) {
            throw ApiException.badRequest("unreadable body: " + e.getMessage());
        }
    }
}
