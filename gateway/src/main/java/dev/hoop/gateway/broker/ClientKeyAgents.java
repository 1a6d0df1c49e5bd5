package dev.hoop.gateway.broker;

import dev.hoop.gateway.store.Agents;
import dev.hoop.gateway.store.ClientKeys;
import dev.hoop.gateway.store.ClientKeys.ClientKey;
import io.grpc.Status;
import io.grpc.StatusException;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.regex.Pattern;

/**
 * Agents that sign in with a client key (docs/clientkeys.md): the key must be active, the agent
 * must publish connections ({@code connection-items}: HOOP_CONNECTION), and every item becomes the
 * connection {@code KEY:item} ({@link ClientKeys#publish}). An agent of a client key can only
 * publish under its key's prefix, never touch a connection it did not publish, and publish at
 * most {@value #MAX_ITEMS} items ({@value #MAX_ITEMS_CHARS} characters) per stream and
 * {@value ClientKeys#MAX_CONNECTIONS_PER_KEY} connections per key.
 */
public final class ClientKeyAgents {
    static final int MAX_ITEMS = 32;
    static final int MAX_ITEMS_CHARS = 255;
    /** An item: what follows {@code KEY:} in the connection name. */
    static final Pattern ITEM = Pattern.compile("[a-z0-9][a-z0-9_.-]{0,63}");

    private final ClientKeys keys;

    public ClientKeyAgents(ClientKeys keys) {
        this.keys = keys;
    }

    /**
     * Signs a publishing agent in and publishes its items.
     *
     * @param items the {@code connection-items} metadata (may be null)
     * @return the agents row the stream is served as; empty when no client key has this hash
     * @throws StatusException UNAUTHENTICATED for a disabled key, INVALID_ARGUMENT for missing or
     *                         invalid items, PERMISSION_DENIED when publishing is refused
     */
    public Optional<Agents.Agent> signIn(String keyHash, String items, String hostname, String version, String platform)
            throws StatusException {
        Optional<ClientKey> found = keys.byKeyHash(keyHash);
        if (found.isEmpty()) {
            return Optional.empty();
        }
        ClientKey key = found.get();
        if (!key.active()) {
            throw Status.UNAUTHENTICATED.withDescription("client key '" + key.name() + "' is disabled (an admin can enable it: "
                    + "PUT /api/clientkeys/" + key.name() + " {\"active\": true})").asException();
        }
        List<String> parsed = parse(items);
        try {
            return Optional.of(keys.publish(key, parsed, hostname, version, platform));
        } catch (ClientKeys.PublishRefused e) {
            throw Status.PERMISSION_DENIED.withDescription(e.getMessage()).asException();
        }
    }

    /** Whether the agent's client key is still active (checked again once its stream is registered). */
    public boolean stillActive(Agents.Agent agent) {
        return agent.clientKeyId() == null || keys.active(agent.clientKeyId());
    }

    /** The items as the agent parses HOOP_CONNECTION: comma list, trimmed, lowercased, duplicates dropped. */
    static List<String> parse(String items) throws StatusException {
        if (items == null || items.isBlank()) {
            throw Status.INVALID_ARGUMENT.withDescription("an agent of a client key publishes connections: set HOOP_CONNECTION "
                    + "(e.g. HOOP_CONNECTION=myapp publishes KEY:myapp)").asException();
        }
        if (items.length() > MAX_ITEMS_CHARS) {
            throw Status.INVALID_ARGUMENT.withDescription("connection-items: " + items.length() + " characters (expected: at most "
                    + MAX_ITEMS_CHARS + ")").asException();
        }
        List<String> out = new ArrayList<>();
        for (String part : items.split(",")) {
            String item = part.trim().toLowerCase(Locale.ROOT);
            if (item.isEmpty() || out.contains(item)) {
                continue;
            }
            if (!ITEM.matcher(item).matches()) {
                throw Status.INVALID_ARGUMENT.withDescription("connection item '" + item + "' is not valid (expected: 1 to 64 "
                        + "lower-case letters, digits, '_', '.' or '-', starting with a letter or digit)").asException();
            }
            out.add(item);
        }
        if (out.isEmpty()) {
            return parse(null);
        }
        if (out.size() > MAX_ITEMS) {
            throw Status.INVALID_ARGUMENT.withDescription("connection-items: " + out.size() + " items (expected: at most "
                    + MAX_ITEMS + ")").asException();
        }
        return List.copyOf(out);
    }
}
