package dev.hoop.agent.masking;

/**
 * Masks one stream of text that arrives in chunks (command output, COPY data), from {@link Masker#stream()}.
 * A value split over two chunks is found: {@link #push} withholds the undecided tail, at most
 * {@link Masker#MAX_WITHHELD} characters (docs/masking.md#streaming). Not thread-safe: one stream per
 * output, used by one thread at a time.
 */
public interface StreamMasker {
    /** Masked text that is safe to emit now (may withhold a bounded tail). */
    String push(CharSequence chunk);

    /** The withheld tail, masked; the stream ends. */
    String finish();

    /**
     * The withheld tail, masked as if the text ended here, while the stream goes on: for an idle
     * interactive terminal, where waiting for the next chunk would hide what the user typed. A value
     * that continues in the next chunk may then be split and missed; call it only after a pause.
     * (A default method, so that other implementations, such as test doubles, need not have it.)
     */
    default String flush() {
        throw new UnsupportedOperationException("this StreamMasker cannot flush");
    }
}
