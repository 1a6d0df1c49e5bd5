package dev.hoop.client.api;

/**
 * The token {@link HoopApi} sends, where it came from, and how to get a fresh one when the gateway
 * refuses it (an expired access token renewed with the login's refresh token).
 */
public interface BearerToken {
    /** The token to send now, or null for an anonymous call. */
    String value();

    /**
     * A new token after the gateway refused {@code rejected}, or null when it cannot be renewed
     * (then {@link #refused()} is what the user reads).
     */
    String renew(String rejected);

    /**
     * One sentence for a refused token: what was refused (and from where) and what to do; null keeps
     * the gateway's own message.
     *
     * @param reason the gateway's reason (e.g. "this user is disabled …"); its generic "missing or
     *               invalid token (… sign in with 'hoop login')" is not repeated
     */
    String refused(String reason);

    /** Whether the gateway's reason is its generic one for a missing, malformed or expired token. */
    static boolean generic(String reason) {
        return reason == null || reason.isBlank() || reason.contains("hoop login");
    }

    /** A fixed token that cannot be renewed (API keys, tests, anonymous calls with null). */
    static BearerToken fixed(String token) {
        return new BearerToken() {
            @Override
            public String value() {
                return token;
            }

            @Override
            public String renew(String rejected) {
                return null;
            }

            @Override
            public String refused(String reason) {
                return null;
            }
        };
    }
}
