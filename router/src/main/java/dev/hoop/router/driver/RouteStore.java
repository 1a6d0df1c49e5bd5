package dev.hoop.router.driver;

import java.util.List;
import java.util.concurrent.CompletionStage;

/**
 * Where routes and dead marks live (Redis in Hipache's layout, or the embedded JSON file).
 * Implementations never block the caller: every call returns a stage completed later (on the
 * caller's event loop when the store runs on the router's loops, else on the store's own threads),
 * failed with {@link RouteStoreException} when the store is unreachable.
 */
public interface RouteStore extends AutoCloseable {

    /**
     * Reads {@code frontend:<candidate>} for every candidate (in one round trip for Redis) and
     * {@code dead:<candidates[0]>}; the first non-empty list wins.
     */
    CompletionStage<Route> read(List<String> candidates);

    /**
     * Marks backend {@code index} of {@code host} dead for {@code ttlSeconds}, as Hipache writes it:
     * {@code SADD dead:<host> <index>}, {@code EXPIRE}, {@code PUBLISH dead "<host>;<url>;<index>;<count>"}.
     */
    CompletionStage<Void> markDead(String host, String url, int index, int count, int ttlSeconds);

    /** Human-readable target for logs (no secrets). */
    String describe();

    @Override
    void close();
}
