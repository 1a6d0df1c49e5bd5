package dev.hoop.common.wire;

import java.util.Arrays;
import java.util.Optional;
import java.util.stream.Collectors;

/**
 * What a client session does, as the {@code verb} metadata of its {@code Connect} stream names it:
 * {@code connect} (a local listener or an interactive terminal) or {@code exec} (one command or
 * script with its input). Which verbs a connection type supports is {@link ConnectionType}'s.
 */
public enum Verb {
    CONNECT(Wire.VERB_CONNECT),
    EXEC(Wire.VERB_EXEC);

    private final String wireName;

    Verb(String wireName) {
        this.wireName = wireName;
    }

    /** The name on the wire and in the sessions table: connect or exec. */
    public String wireName() {
        return wireName;
    }

    /** @return the verb of that wire name, or empty (also for null) */
    public static Optional<Verb> find(String wireName) {
        for (Verb v : values()) {
            if (v.wireName.equals(wireName)) {
                return Optional.of(v);
            }
        }
        return Optional.empty();
    }

    /** The refusal of a verb that is none of these, naming the allowed ones. */
    public static String unknown(String wireName) {
        String allowed = Arrays.stream(values()).map(Verb::wireName).collect(Collectors.joining(" or "));
        return wireName == null || wireName.isEmpty()
                ? "missing verb (expected: " + allowed + ")"
                : "unknown verb '" + wireName + "' (expected: " + allowed + ")";
    }

    @Override
    public String toString() {
        return wireName;
    }
}
