package dev.hoop.agent.postgres;

/**
 * Masking cannot be applied to what the server sent: the result is withheld and the client gets
 * this message instead (it never contains a value from the result).
 */
final class MaskingRefusal extends RuntimeException {
    final String sqlState;

    MaskingRefusal(String sqlState, String message) {
        super(message, null, false, false);
        this.sqlState = sqlState;
    }
}
