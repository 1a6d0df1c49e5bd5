package dev.hoop.router.driver;

import dev.hoop.common.Causes;
import dev.hoop.common.netty.EventLoops;
import io.lettuce.core.RedisCommandExecutionException;
import io.lettuce.core.RedisFuture;
import io.lettuce.core.RedisNoScriptException;
import io.lettuce.core.ScriptOutputType;
import io.lettuce.core.api.async.RedisAsyncCommands;
import io.lettuce.core.resource.ClientResources;
import io.netty.channel.EventLoop;
import io.netty.channel.EventLoopGroup;
import io.netty.util.concurrent.EventExecutor;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Routes in Redis, in Hipache's layout. Reads go to the first driver URL, dead marks to the last
 * (Hipache's {@code [slave, …, master]}). A lookup is one round trip: one read-only Lua script
 * doing the {@code LRANGE}s and the {@code SMEMBERS} server-side (one command instead of up to
 * eight, which is what costs client CPU), or, where scripting is refused (some managed Redis),
 * the same commands pipelined.
 */
public final class RedisRouteStore implements RouteStore {
    private static final Logger LOG = LoggerFactory.getLogger(RedisRouteStore.class);
    /** KEYS = the candidates' frontend keys, then the dead key; first non-empty list wins. */
    static final String LOOKUP_SCRIPT = """
            local n = #KEYS - 1
            for i = 1, n do
              local l = redis.call('LRANGE', KEYS[i], 0, -1)
              if #l > 0 then
                return {i, l, redis.call('SMEMBERS', KEYS[#KEYS])}
              end
            end
            return {0}
            """;

    /** Read links: one per router event loop (index i runs on loops[i]), or one on Lettuce's threads. */
    private final RedisLink[] reads;
    /** Write links, parallel to {@link #reads}; the same links when reads and writes go to one Redis. */
    private final RedisLink[] writes;
    private final ClientResources shared;
    private final String prefix;
    private final String where;
    private final String scriptSha = sha1(LOOKUP_SCRIPT);
    private volatile boolean scripting;

    /** A store on Lettuce's own I/O threads (tools and tests). */
    public RedisRouteStore(List<DriverUrl> urls) {
        this(urls, null, true);
    }

    /**
     * A store with one Redis connection per event loop of {@code loops}, running on that loop: a lookup made
     * on a loop is answered on it (no thread hop per request, no Lettuce I/O threads competing for the cores).
     * A call from any other thread uses the first loop's connection. The loops must come from
     * {@link EventLoops#newGroup}: Lettuce is given channels of their transport (see {@link LoopChannels}).
     */
    public RedisRouteStore(List<DriverUrl> urls, EventLoopGroup loops) {
        this(urls, loops, true);
    }

    RedisRouteStore(List<DriverUrl> urls, boolean scripting) {
        this(urls, null, scripting);
    }

    private RedisRouteStore(List<DriverUrl> urls, EventLoopGroup loops, boolean scripting) {
        this.scripting = scripting;
        DriverUrl first = urls.getFirst();
        DriverUrl last = urls.getLast();
        this.prefix = first.prefix();
        this.where = first.toString();
        List<EventLoop> pinned = new ArrayList<>();
        if (loops != null) {
            for (EventExecutor e : loops) {
                pinned.add((EventLoop) e);
            }
        }
        if (pinned.isEmpty()) {
            this.shared = null;
            this.reads = new RedisLink[] {new RedisLink(first)};
            this.writes = first.equals(last) ? reads : new RedisLink[] {new RedisLink(last)};
        } else {
            this.shared = RedisLink.defaultResources();
            this.reads = new RedisLink[pinned.size()];
            this.writes = first.equals(last) ? reads : new RedisLink[pinned.size()];
            for (int i = 0; i < pinned.size(); i++) {
                reads[i] = new RedisLink(first, shared, pinned.get(i));
                if (writes != reads) {
                    writes[i] = new RedisLink(last, shared, pinned.get(i));
                }
            }
            long deadline = System.nanoTime() + RedisLink.COMMAND_TIMEOUT.toNanos();
            for (int i = 0; i < pinned.size(); i++) {
                reads[i].awaitFirstConnection(deadline);
                writes[i].awaitFirstConnection(deadline);
            }
        }
    }

    /** The link of the calling event loop (so that its answer comes back on it), else the first. */
    private static RedisLink local(RedisLink[] links) {
        for (RedisLink l : links) {
            if (l.loop() != null && l.loop().inEventLoop()) {
                return l;
            }
        }
        return links[0];
    }

    @Override
    public CompletionStage<Route> read(List<String> candidates) {
        RedisAsyncCommands<String, String> redis;
        RedisLink read = local(reads);
        try {
            redis = read.commands();
        } catch (RouteStoreException e) {
            return CompletableFuture.failedFuture(e);
        }
        return scripting ? scripted(redis, candidates) : pipelined(redis, candidates);
    }

    private CompletionStage<Route> scripted(RedisAsyncCommands<String, String> redis, List<String> candidates) {
        String[] keys = new String[candidates.size() + 1];
        for (int i = 0; i < candidates.size(); i++) {
            keys[i] = prefix + "frontend:" + candidates.get(i);
        }
        keys[candidates.size()] = prefix + "dead:" + candidates.getFirst();
        CompletableFuture<Route> out = new CompletableFuture<>();
        redis.<List<Object>>evalsha(scriptSha, ScriptOutputType.MULTI, keys).whenComplete((reply, error) -> {
            if (error == null) {
                out.complete(fromScript(candidates, reply));
            } else if (Causes.root(error) instanceof RedisNoScriptException) {
                // First use on this server (or after SCRIPT FLUSH): send the body once, cached from then on.
                redis.<List<Object>>eval(LOOKUP_SCRIPT, ScriptOutputType.MULTI, keys).whenComplete((r, e) -> {
                    if (e == null) {
                        out.complete(fromScript(candidates, r));
                    } else {
                        fallBack(redis, candidates, e, out);
                    }
                });
            } else {
                fallBack(redis, candidates, error, out);
            }
        });
        return out;
    }

    /** A server that refuses scripts gets pipelined commands from now on; a connection error is just an error. */
    private void fallBack(RedisAsyncCommands<String, String> redis, List<String> candidates, Throwable error,
                          CompletableFuture<Route> out) {
        if (Causes.root(error) instanceof RedisCommandExecutionException) {
            scripting = false;
            LOG.warn("route store: Redis at {} refused the lookup script ({}); using pipelined commands", where,
                    rootMessage(error));
            pipelined(redis, candidates).whenComplete((r, e) -> {
                if (e == null) {
                    out.complete(r);
                } else {
                    out.completeExceptionally(e);
                }
            });
        } else {
            out.completeExceptionally(new RouteStoreException("Redis at " + where + " failed: " + rootMessage(error), error));
        }
    }

    private static Route fromScript(List<String> candidates, List<Object> reply) {
        long index = (Long) reply.getFirst();
        if (index == 0) {
            return Route.NONE;
        }
        @SuppressWarnings("unchecked")
        List<String> list = (List<String>) (List<?>) reply.get(1);
        @SuppressWarnings("unchecked")
        List<String> dead = (List<String>) (List<?>) reply.get(2);
        return new Route(candidates.get((int) index - 1), list.getFirst(), List.copyOf(list.subList(1, list.size())),
                indexes(dead));
    }

    private CompletionStage<Route> pipelined(RedisAsyncCommands<String, String> redis, List<String> candidates) {
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
                throw new RouteStoreException("Redis at " + where + " failed: " + rootMessage(error), error);
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

    private static Set<Integer> indexes(java.util.Collection<String> members) {
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
        RedisLink write = local(writes);
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
        return Causes.message(error);
    }

    private static String sha1(String text) {
        try {
            return java.util.HexFormat.of().formatHex(java.security.MessageDigest.getInstance("SHA-1")
                    .digest(text.getBytes(java.nio.charset.StandardCharsets.UTF_8)));
        } catch (java.security.NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-1 is part of every JDK", e);
        }
    }

    @Override
    public String describe() {
        return "redis " + reads[0] + (writes == reads ? "" : " (writes to " + writes[0] + ")")
                + (reads[0].loop() == null ? "" : ", one connection on each of the " + reads.length + " event loops");
    }

    @Override
    public void close() {
        for (RedisLink l : reads) {
            l.close();
        }
        if (writes != reads) {
            for (RedisLink l : writes) {
                l.close();
            }
        }
        if (shared != null) {
            shared.shutdown(0, 1, java.util.concurrent.TimeUnit.SECONDS);
        }
    }
}
