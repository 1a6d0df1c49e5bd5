package dev.hoop.agent.dlp;

import dev.hoop.agent.masking.InfoType;
import dev.hoop.agent.masking.MaskingPolicy;
import java.util.Base64;
import java.util.Map;
import java.util.TreeMap;

/**
 * The data masking of one session, from the gateway's {@code masking.config} and {@code
 * masking.hash_key} spec keys on AgentSessionOpen: one masker ({@link MaskingProvider}) shared by the session's
 * connections and command, and the summary of its redactions that goes back to the gateway.
 */
public final class SessionMasking {
    /** No masking configured for the connection. */
    public static final SessionMasking OFF = new SessionMasking(null, false);

    private final TextMasker masker;
    private final boolean columnRules;

    private SessionMasking(TextMasker masker, boolean columnRules) {
        this.masker = masker;
        this.columnRules = columnRules;
    }

    /**
     * @param config  the contract's config string, or null/blank for none
     * @param hashKey base64 (the organization's key for the HASH format), or null
     * @throws IllegalArgumentException naming what is wrong (the session must not open: fail closed)
     */
    public static SessionMasking of(String config, String hashKey) {
        return of(config, hashKey, MaskingProvider.BUILT_IN);
    }

    /** The same, with the masker from {@code provider} (Google DLP when the agent is configured for it). */
    public static SessionMasking of(String config, String hashKey, MaskingProvider provider) {
        if (config == null || config.isBlank()) {
            return OFF;
        }
        byte[] key;
        try {
            key = hashKey == null ? new byte[0] : Base64.getDecoder().decode(hashKey);
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("masking.hash_key is not base64");
        }
        MaskingPolicy policy;
        try {
            policy = MaskingPolicy.parse(config, key);
        } catch (RuntimeException e) {
            throw new IllegalArgumentException("the connection's data masking configuration is unusable (" + e.getMessage()
                    + "); the session was not opened", e);
        }
        return of(provider.masker(policy), !policy.columnGlobs().isEmpty());
    }

    /** A session masking with this masker (tests use one that fails). */
    public static SessionMasking of(TextMasker masker, boolean columnRules) {
        return new SessionMasking(masker, columnRules);
    }

    public boolean enabled() {
        return masker != null;
    }

    /** The masker; only when {@link #enabled()}. */
    public TextMasker masker() {
        if (masker == null) {
            throw new IllegalStateException("masking is off");
        }
        return masker;
    }

    /** Whether the policy masks whole columns by name (COPY data, having no names, cannot honour that). */
    public boolean columnRules() {
        return columnRules;
    }

    /** Redactions so far by info type; empty when masking is off. */
    public Map<InfoType, Long> counts() {
        return masker == null ? Map.of() : masker.counts();
    }

    /** Redactions so far as JSON, e.g. {@code {"EMAIL_ADDRESS":3}}; null when masking is off or nothing was redacted. */
    public String summaryJson() {
        if (masker == null) {
            return null;
        }
        Map<InfoType, Long> counts = new TreeMap<>(masker.counts());
        counts.values().removeIf(n -> n == null || n == 0);
        if (counts.isEmpty()) {
            return null;
        }
        StringBuilder sb = new StringBuilder("{");
        counts.forEach((type, n) -> sb.append(sb.length() > 1 ? "," : "").append('"').append(type.name()).append("\":").append(n));
        return sb.append('}').toString();
    }
}
