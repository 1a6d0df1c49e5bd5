package dev.hoop.agent.masking;

/**
 * A value longer than a detector reads at once (a PEM key of several KB, a huge URL or cookie): the
 * scan masks it in pieces, and this says what still belongs to it at the next position.
 */
enum Continuation {
    NONE,
    /** Up to and including the "-----END … PRIVATE KEY-----" line. */
    PEM,
    /** Up to white space, a quote or an angle bracket. */
    URL,
    /** Up to the end of the line. */
    LINE,
    /** Up to the first character that cannot be in a token. */
    TOKEN
}
