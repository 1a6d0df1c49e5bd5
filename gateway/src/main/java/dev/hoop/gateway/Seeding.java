package dev.hoop.gateway;

import dev.hoop.gateway.auth.AgentKeys;
import dev.hoop.gateway.auth.PasswordHasher;
import dev.hoop.gateway.store.Agents;
import dev.hoop.gateway.store.Connections;
import dev.hoop.gateway.store.Users;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.UUID;

/**
 * The one door through which a launcher seeds a new gateway ({@code hoop start}'s first run, in {@code dist}): the first
 * admin, the local agent's key, demo connections, all in the default org. Passwords and agent keys are hashed here, the
 * same way as through the API, so the launcher never touches the store or the hashing.
 */
public final class Seeding {
    private final UUID org;
    private final Users users;
    private final Agents agents;
    private final Connections connections;
    private final String adminGroup;

    Seeding(UUID org, Users users, Agents agents, Connections connections, String adminGroup) {
        this.org = org;
        this.users = users;
        this.agents = agents;
        this.connections = connections;
        this.adminGroup = adminGroup;
    }

    /** True while the default org has no user (a new store). */
    public boolean hasNoUsers() {
        return users.count(org) == 0;
    }

    /** Creates a user in the admin group ({@code ADMIN_GROUP}) who logs in with {@code password}. */
    public void createAdmin(String email, String name, String password) {
        users.create(org, email, name, new PasswordHasher().hash(Objects.requireNonNull(password, "password")), List.of(adminGroup));
    }

    /** True when agent {@code name} exists and {@code secret} is its key (a key kept from an earlier run). */
    public boolean agentKeyIs(String name, String secret) {
        return agents.find(org, name).map(a -> AgentKeys.hash(secret).equals(a.keyHash())).orElse(false);
    }

    /** Registers agent {@code name} with a new key, replacing an agent of that name, and returns the key (shown once). */
    public String issueAgentKey(String name, String mode) {
        agents.find(org, name).ifPresent(a -> agents.delete(org, a.id()));
        String secret = AgentKeys.newSecret();
        agents.create(org, name, mode, AgentKeys.hash(secret));
        return secret;
    }

    public boolean hasConnection(String name) {
        return connections.find(org, name).isPresent();
    }

    /**
     * Creates connection {@code name} served by agent {@code agentName}.
     *
     * @throws IllegalArgumentException when there is no such agent (seed the agent first)
     */
    public void createConnection(String name, String type, List<String> command, Map<String, String> secret, String agentName) {
        UUID agentId = agents.find(org, agentName)
                .orElseThrow(() -> new IllegalArgumentException("agent '" + agentName + "' does not exist (expected: issue its key first)"))
                .id();
        connections.create(org, new Connections.Definition(name, type, null, command, secret, agentId));
    }
}
