package dev.hoop.gateway.store;

import java.util.UUID;

/** Path segments that may be an id or a name. */
final class Ids {
    private Ids() {}

    /** The UUID, or null when {@code s} is not one (then it is a name or an email). */
    static UUID parse(String s) {
        if (s == null || s.length() != 36) {
            return null;
        }
        try {
            return UUID.fromString(s);
        } catch (IllegalArgumentException e) {
            return null;
        }
    }
}
