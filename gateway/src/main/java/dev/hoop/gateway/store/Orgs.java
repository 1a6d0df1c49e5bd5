package dev.hoop.gateway.store;

import java.util.UUID;
import javax.sql.DataSource;

/**
 * Organizations and their server settings (sign-up flag). Single-tenant gateways use one org,
 * {@value #DEFAULT_ORG}; ORG_MULTI_TENANT gateways (issue 4) create one per tenant.
 */
public final class Orgs {
    public static final String DEFAULT_ORG = "default";
    private final Jdbc jdbc;

    public Orgs(DataSource ds) {
        this.jdbc = new Jdbc(ds);
    }

    /** The id of the org named {@code name}, created with its settings row when absent. */
    public UUID ensure(String name) {
        return jdbc.transaction(c -> {
            Jdbc.update(c, "INSERT INTO orgs (name) VALUES (?) ON CONFLICT (name) DO NOTHING", name);
            UUID id = Jdbc.query(c, "SELECT id FROM orgs WHERE name = ?", rs -> rs.getObject(1, UUID.class), name).getFirst();
            Jdbc.update(c, "INSERT INTO server_config (org_id) VALUES (?) ON CONFLICT (org_id) DO NOTHING", id);
            return id;
        });
    }

    public boolean signupEnabled(UUID orgId) {
        return jdbc.one("SELECT signup_enabled FROM server_config WHERE org_id = ?", rs -> rs.getBoolean(1), orgId).orElse(false);
    }

    public void setSignupEnabled(UUID orgId, boolean enabled) {
        jdbc.update("INSERT INTO server_config (org_id, signup_enabled) VALUES (?, ?) "
                + "ON CONFLICT (org_id) DO UPDATE SET signup_enabled = EXCLUDED.signup_enabled, updated_at = now()", orgId, enabled);
    }
}
