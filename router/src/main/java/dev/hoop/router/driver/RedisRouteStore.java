package dev.hoop.router.driver;

import io.lettuce.core.RedisFuture;
import io.lettuce.core.api.async.RedisAsyncCommands;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;

/**
 * Routes in Redis, in Hipache's layout. Reads go to the first driver URL, dead marks to the last
 * (Hipache's {@code [slave, …, master]}). All commands of one read are issued back to back
 * without waiting (Lettuce pipelines them on the connection), so a lookup costs one round trip.
 */
public final class RedisRouteStore implements RouteStore {
    private final RedisLink read;
    private final RedisLink write;
    private final String prefix;

    public RedisRouteStore(List<DriverUrl> urls) {
        DriverUrl first = urls.getFirst();
        DriverUrl last = urls.getLast();
        this.read = new RedisLink(first);
        this.write = first.equals(last) ? read : new RedisLink(last);
        this.prefix = first.prefix();
    }

    @Override
    public CompletionStage<Route> read(List<String> candidates) {
        RedisAsyncCommands<String, String> redis;
        try {
            redis = read.commands();
        } catch (RouteStoreException e) {
            return CompletableFuture.failedFuture(e);
        }
        List<RedisFuture<List<String>>> lists = new ArrayList<>(candidates.size());
        for (String candidate : candidates) {
            lists.add(redis.lrange(prefix + "frontend:" + candidate, 0, -1));
        }
        RedisFuture<Set<String>> dead = redis.smembers(prefix + "dead:" + candidates.getFirst());
        CompletableFuture<?>[] all = new CompletableFuture<?>[lists.size() + 1];
        for (int i = 0; i < lists.size(); i++) {
            all[i] = lists.get(i).toCompletableFuture();
        }
        all[lists.size()] = dead.toCompletableFuture();
        return CompletableFuture.allOf(all).handle((ignored, error) -> {
            if (error != null) {
                throw new RouteStoreException("Redis at " + read + " failed: " + rootMessage(error), error);
            }
            for (int i = 0; i < lists.size(); i++) {
                List<String> list = lists.get(i).toCompletableFuture().join();
                if (list != null && !list.isEmpty()) {
                    return new Route(candidates.get(i), list.getFirst(), List.copyOf(list.subList(1, list.size())),
                            indexes(dead.toCompletableFuture().join()));
                }
            }
            return Route.NONE;
        });
    }

    private static Set<Integer> indexes(Set<String> members) {
        Set<Integer> out = new HashSet<>();
        for (String m : members) {
            try {
                out.add(Integer.parseInt(m.trim()));
            } catch (NumberFormatException ignored) {
                // A member that is not an index (written by some other tool) marks nothing.
            }
        }
        return Set.copyOf(out);
    }

    @Override
    public CompletionStage<Void> markDead(String host, String url, int index, int count, int ttlSeconds) {
        RedisAsyncCommands<String, String> redis;
        try {
            redis = write.commands();
        } catch (RouteStoreException e) {
            return CompletableFuture.failedFuture(e);
        }
        String key = prefix + "dead:" + host;
        CompletableFuture<Long> added = redis.sadd(key, Integer.toString(index)).toCompletableFuture();
        CompletableFuture<Boolean> expiry = redis.expire(key, ttlSeconds).toCompletableFuture();
        CompletableFuture<Long> published = redis.publish("dead", host + ";" + url + ";" + index + ";" + count)
                .toCompletableFuture();
        return CompletableFuture.allOf(added, expiry, published).handle((ignored, error) -> {
            if (error != null) {
                throw new RouteStoreException("Redis at " + write + " failed marking " + url + " dead: "
                        + rootMessage(error), error);
            }
            return null;
        });
    }

    static String rootMessage(Throwable error) {
        Throwable t = error;
        while (t.getCause() != null && t.getCause() != t) {
            t = t.getCause();
        }
        return t.getMessage() == null ? t.getClass().getSimpleName() : t.getMessage();
    }

    @Override
    public String describe() {
        return "redis " + read + (write == read ? "" : " (writes to " + write + ")");
    }

    @Override
    public void close() {
        read.close();
        if (write != read) {
            write.close();
        }
    }
}
