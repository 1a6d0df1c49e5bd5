package dev.hoop.gateway.store;

import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.OffsetDateTime;
import java.util.List;
import java.util.Optional;
import java.util.UUID;
import java.util.function.Function;
import javax.sql.DataSource;

/** Users and their groups. Emails are unique per org, compared case-insensitively. */
public final class Users {

    /** A stored user; {@link #toString()} never shows the password hash. */
    public record User(UUID id, UUID orgId, String email, String name, String passwordHash, String status,
                       List<String> groups, OffsetDateTime createdAt) {
        public boolean active() {
            return "active".equals(status);
        }

        @Override
        public String toString() {
            return "User[id=" + id + ", email=" + email + ", status=" + status + ", groups=" + groups + "]";
        }
    }

    /** Changes for {@link #update}; null fields stay as they are. */
    public record Changes(String name, List<String> groups, String status, String passwordHash) {}

    private static final String SELECT = "SELECT u.id, u.org_id, u.email, u.name, u.password_hash, u.status, u.created_at, "
            + "COALESCE((SELECT array_agg(g.name ORDER BY g.name) FROM user_groups g WHERE g.user_id = u.id), '{}') AS groups FROM users u ";

    private final Jdbc jdbc;

    public Users(DataSource ds) {
        this.jdbc = new Jdbc(ds);
    }

    public long count(UUID orgId) {
        return jdbc.one("SELECT count(*) FROM users WHERE org_id = ?", rs -> rs.getLong(1), orgId).orElse(0L);
    }

    /** @throws DuplicateException when the email exists in the org */
    public User create(UUID orgId, String email, String name, String passwordHash, List<String> groups) {
        return jdbc.transaction(c -> insert(c, orgId, email, name, passwordHash, groups));
    }

    /**
     * Registers a user atomically with the org's state: {@code groupsFor} receives whether the org
     * has no user yet (the first user becomes admin) and answers the groups, or throws to refuse.
     * The org row is locked so that two first sign-ups cannot both become admin.
     */
    public User register(UUID orgId, String email, String name, String passwordHash, Function<Boolean, List<String>> groupsFor) {
        return jdbc.transaction(c -> {
            Jdbc.query(c, "SELECT id FROM orgs WHERE id = ? FOR UPDATE", rs -> rs.getObject(1), orgId);
            boolean first = Jdbc.query(c, "SELECT count(*) FROM users WHERE org_id = ?", rs -> rs.getLong(1), orgId).getFirst() == 0;
            return insert(c, orgId, email, name, passwordHash, groupsFor.apply(first));
        });
    }

    private static User insert(Connection c, UUID orgId, String email, String name, String hash, List<String> groups) throws SQLException {
        UUID id = Jdbc.query(c, "INSERT INTO users (org_id, email, name, password_hash) VALUES (?, ?, ?, ?) RETURNING id",
                rs -> rs.getObject(1, UUID.class), orgId, email, name, hash).getFirst();
        setGroups(c, orgId, id, groups);
        return Jdbc.query(c, SELECT + "WHERE u.id = ?", Users::map, id).getFirst();
    }

    private static void setGroups(Connection c, UUID orgId, UUID userId, List<String> groups) throws SQLException {
        Jdbc.update(c, "DELETE FROM user_groups WHERE user_id = ?", userId);
        for (String g : groups.stream().distinct().toList()) {
            Jdbc.update(c, "INSERT INTO user_groups (org_id, user_id, name) VALUES (?, ?, ?)", orgId, userId, g);
        }
    }

    public List<User> list(UUID orgId) {
        return jdbc.query(SELECT + "WHERE u.org_id = ? ORDER BY u.created_at, u.email", Users::map, orgId);
    }

    public Optional<User> byEmail(UUID orgId, String email) {
        return jdbc.one(SELECT + "WHERE u.org_id = ? AND lower(u.email) = lower(?)", Users::map, orgId, email);
    }

    public Optional<User> byId(UUID orgId, UUID id) {
        return jdbc.one(SELECT + "WHERE u.org_id = ? AND u.id = ?", Users::map, orgId, id);
    }

    /** By id when {@code idOrEmail} is a UUID, else by email. */
    public Optional<User> find(UUID orgId, String idOrEmail) {
        UUID id = Ids.parse(idOrEmail);
        return id != null ? byId(orgId, id) : byEmail(orgId, idOrEmail);
    }

    public Optional<User> update(UUID orgId, UUID id, Changes ch) {
        return jdbc.transaction(c -> {
            int n = Jdbc.update(c, "UPDATE users SET name = COALESCE(?, name), status = COALESCE(?, status), "
                    + "password_hash = COALESCE(?, password_hash), updated_at = now() WHERE org_id = ? AND id = ?",
                    ch.name(), ch.status(), ch.passwordHash(), orgId, id);
            if (n == 0) {
                return Optional.<User>empty();
            }
            if (ch.groups() != null) {
                setGroups(c, orgId, id, ch.groups());
            }
            return Optional.of(Jdbc.query(c, SELECT + "WHERE u.id = ?", Users::map, id).getFirst());
        });
    }

    public boolean delete(UUID orgId, UUID id) {
        return jdbc.update("DELETE FROM users WHERE org_id = ? AND id = ?", orgId, id) > 0;
    }

    private static User map(ResultSet rs) throws SQLException {
        String[] groups = (String[]) rs.getArray("groups").getArray();
        return new User(rs.getObject("id", UUID.class), rs.getObject("org_id", UUID.class), rs.getString("email"),
                rs.getString("name"), rs.getString("password_hash"), rs.getString("status"), List.of(groups),
                rs.getObject("created_at", OffsetDateTime.class));
    }
}
