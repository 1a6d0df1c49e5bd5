package dev.hoop.agent.dlp;

import dev.hoop.agent.masking.Masker;
import dev.hoop.agent.masking.MaskingPolicy;

/**
 * Where a session's masker comes from: the built-in engine, or Google DLP when the agent has
 * {@code GOOGLE_APPLICATION_CREDENTIALS_JSON} ({@code dev.hoop.agent.dlp.gcp.GoogleDlp}). One per
 * agent; thread-safe.
 */
public interface MaskingProvider {
    /** The built-in detector engine (docs/masking.md). */
    MaskingProvider BUILT_IN = policy -> TextMasker.of(new Masker(policy));

    /** A masker for one session with this policy. */
    TextMasker masker(MaskingPolicy policy);
}
