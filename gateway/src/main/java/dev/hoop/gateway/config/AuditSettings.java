package dev.hoop.gateway.config;

import dev.hoop.common.config.Env;

/**
 * How recordings are sealed and how long they are kept.
 *
 * @param signingKey    {@code AUDIT_SIGNING_KEY}: base64 PKCS#8 Ed25519 key; null: generated into the data folder
 * @param retentionDays {@code AUDIT_RETENTION_DAYS}: sessions older than this are deleted daily; 0: kept forever (the default)
 */
public record AuditSettings(String signingKey, int retentionDays) {
    public static final AuditSettings DEFAULT = new AuditSettings(null, 0);
    static final int MAX_RETENTION_DAYS = 36_500;

    static AuditSettings from(Env env) {
        int days = env.parsed("AUDIT_RETENTION_DAYS", 0, v -> {
            try {
                int n = Integer.parseInt(v.strip());
                if (n >= 1 && n <= MAX_RETENTION_DAYS) {
                    return n;
                }
            } catch (NumberFormatException ignored) {
                // answered below with the value
            }
            throw new IllegalArgumentException("'" + v + "' (expected: a number of days from 1 to " + MAX_RETENTION_DAYS
                    + "; unset keeps sessions forever)");
        });
        return new AuditSettings(env.string("AUDIT_SIGNING_KEY", null), days);
    }

    @Override
    public String toString() {
        return "AuditSettings[signingKey=" + (signingKey == null ? "generated" : "****") + ", retentionDays="
                + (retentionDays == 0 ? "forever" : retentionDays) + "]";
    }
}
