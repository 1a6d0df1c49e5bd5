package dev.hoop.common.wire;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;
import com.fasterxml.jackson.annotation.JsonProperty;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * The value of spec key {@code agent.connection_params}: what the agent needs to reach the
 * resource. Sent by the gateway to the agent only; it carries secrets (envs), so it never goes to
 * a client and {@link #toString()} never shows the values.
 *
 * @param name    the connection's name
 * @param type    postgres, tcp, command-line or http
 * @param command the command for exec/terminal sessions (empty: the type's default)
 * @param envs    the connection's secrets and settings, as environment variables (HOST, PORT, USER, PASS, DB, …)
 * @param guardrails the connection's guardrail rules (docs/guardrails.md), enforced by the agent; empty: none
 */
@JsonIgnoreProperties(ignoreUnknown = true)
public record ConnectionParams(
        @JsonProperty("name") String name,
        @JsonProperty("type") String type,
        @JsonProperty("command") List<String> command,
        @JsonProperty("envs") Map<String, String> envs,
        @JsonProperty("guardrails") List<String> guardrails) {
    private static final ObjectMapper JSON = new ObjectMapper();

    /** @throws IllegalArgumentException when command or envs hold a null (JSON {@code null} inside them) */
    public ConnectionParams {
        // Streams, not contains(null): immutable collections throw on a null query.
        if (command != null && command.stream().anyMatch(Objects::isNull)) {
            throw new IllegalArgumentException("command holds a null argument (expected: strings)");
        }
        if (envs != null && envs.entrySet().stream().anyMatch(e -> e.getKey() == null || e.getValue() == null)) {
            throw new IllegalArgumentException("envs hold a null (expected: string names and values)");
        }
        command = command == null ? List.of() : List.copyOf(command);
        envs = envs == null ? Map.of() : Map.copyOf(envs);
        if (guardrails != null && guardrails.stream().anyMatch(Objects::isNull)) {
            throw new IllegalArgumentException("guardrails hold a null (expected: rule strings)");
        }
        guardrails = guardrails == null ? List.of() : List.copyOf(guardrails);
    }

    /** Without guardrails. */
    public ConnectionParams(String name, String type, List<String> command, Map<String, String> envs) {
        this(name, type, command, envs, List.of());
    }

    /** The same connection with these guardrail rules. */
    public ConnectionParams withGuardrails(List<String> rules) {
        return new ConnectionParams(name, type, command, envs, rules);
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
        ConnectionParams params;
        try {
            // Decoded as UTF-8 first: given bytes, Jackson guesses UTF-16/32 from the first bytes and
            // fails with a plain IOException on a truncated "UTF-32" character (found by WireFuzzTest).
            params = JSON.readValue(new String(json, StandardCharsets.UTF_8), ConnectionParams.class);
        } catch (com.fasterxml.jackson.core.JacksonException e) {
            throw new IllegalArgumentException("malformed " + SpecKey.AGENT_CONNECTION_PARAMS + ": " + e.getOriginalMessage(), e);
        } catch (IOException e) {
            throw new UncheckedIOException(e); // reading a String: not reached
        }
        if (params == null) {
            throw new IllegalArgumentException("malformed " + SpecKey.AGENT_CONNECTION_PARAMS + ": null (expected: a JSON object)");
        }
        return params;
    }

    @Override
    public String toString() {
        return "ConnectionParams[name=" + name + ", type=" + type + ", command=" + command + ", envs=" + envs.keySet()
                + (guardrails.isEmpty() ? "" : ", guardrails=" + guardrails.size()) + "]";
    }
}
