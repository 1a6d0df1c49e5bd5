package dev.hoop.common.wire;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;
import com.fasterxml.jackson.annotation.JsonProperty;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.List;
import java.util.Map;

/**
 * The value of spec key {@code agent.connection_params}: what the agent needs to reach the
 * resource. Sent by the gateway to the agent only; it carries secrets (envs), so it never goes to
 * a client and {@link #toString()} never shows the values.
 *
 * @param name    the connection's name
 * @param type    postgres, tcp, command-line or http
 * @param command the command for exec/terminal sessions (empty: the type's default)
 * @param envs    the connection's secrets and settings, as environment variables (HOST, PORT, USER, PASS, DB, …)
 */
@JsonIgnoreProperties(ignoreUnknown = true)
public record ConnectionParams(
        @JsonProperty("name") String name,
        @JsonProperty("type") String type,
        @JsonProperty("command") List<String> command,
        @JsonProperty("envs") Map<String, String> envs) {
    private static final ObjectMapper JSON = new ObjectMapper();

    public ConnectionParams {
        command = command == null ? List.of() : List.copyOf(command);
        envs = envs == null ? Map.of() : Map.copyOf(envs);
    }

    public byte[] toJson() {
        try {
            return JSON.writeValueAsBytes(this);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** @throws IllegalArgumentException when the bytes are not this record's JSON */
    public static ConnectionParams fromJson(byte[] json) {
        try {
            return JSON.readValue(json, ConnectionParams.class);
        } catch (com.fasterxml.jackson.core.JacksonException e) {
            throw new IllegalArgumentException("malformed " + SpecKey.AGENT_CONNECTION_PARAMS + ": " + e.getOriginalMessage(), e);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    @Override
    public String toString() {
        return "ConnectionParams[name=" + name + ", type=" + type + ", command=" + command + ", envs=" + envs.keySet() + "]";
    }
}
