package dev.hoop.agent.masking;

/** STAND-IN (masking-wire): replaced by the engine's file at merge. */
public interface StreamMasker {
    /** Masked text that is safe to emit now (may withhold a bounded tail). */
    String push(CharSequence chunk);

    /** The withheld tail, masked; the stream ends. */
    String finish();
}
