package dev.hoop.router.driver;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.hoop.common.netty.EventLoops;
import dev.hoop.router.RedisFixture;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.uring.IoUring;
import io.netty.util.concurrent.EventExecutor;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * A store opened on the router's event loops answers each loop's reads and marks on that same loop. The
 * build runs this class once more with {@code hoop.netty.transport=epoll} (the default is io_uring where the kernel
 * has it, Lettuce's own choice epoll).
 */
class RedisRouteStoreOnLoopsTest {
    @BeforeAll
    static void transportAvailable() {
        assumeTrue(!"io_uring".equals(System.getProperty(EventLoops.PROPERTY)) || IoUring.isAvailable(),
                "io_uring is not available on this kernel");
    }

    // Another Lettuce client first, on Lettuce's own choice of transport (epoll where both are there): the store
    // must not depend on being the first Lettuce client of the process (it gives Lettuce the loops' channel class).
    private final RedisFixture redis = new RedisFixture();
    private final EventLoopGroup loops = EventLoops.newGroup(2, "test-loop");
    private final RedisRouteStore store = new RedisRouteStore(List.of(DriverUrl.parse("redis://127.0.0.1:6379")), loops);

    @AfterEach
    void close() {
        store.close();
        loops.shutdownGracefully(0, 1, TimeUnit.SECONDS).syncUninterruptibly();
        redis.close();
    }

    /** Runs {@code call} on {@code loop} and reports whether its stage completed on that loop, with its value. */
    private static <T> CompletableFuture<String> onLoop(EventExecutor loop, java.util.function.Supplier<java.util.concurrent.CompletionStage<T>> call) {
        CompletableFuture<String> seen = new CompletableFuture<>();
        loop.execute(() -> call.get().whenComplete((v, e) ->
                seen.complete((loop.inEventLoop() ? "same loop" : "other thread " + Thread.currentThread().getName())
                        + " " + (e == null ? v : e))));
        return seen;
    }

    @Test
    void eachLoopsLookupIsAnsweredOnThatLoop() throws Exception {
        String host = redis.host("loops");
        redis.frontend(host, "app", "http://10.0.0.1:80");
        List<CompletableFuture<String>> seen = new ArrayList<>();
        for (EventExecutor loop : loops) {
            seen.add(onLoop(loop, () -> store.read(List.of(host, "*"))));
        }
        for (CompletableFuture<String> s : seen) {
            assertThat(s.get(5, TimeUnit.SECONDS))
                    .isEqualTo("same loop " + new Route(host, "app", List.of("http://10.0.0.1:80"), java.util.Set.of()));
        }
        assertThat(seen).hasSize(2);
    }

    @Test
    void noLettuceSystemPropertyIsSetOrNeeded() {
        assertThat(System.getProperties().stringPropertyNames()).noneMatch(p -> p.startsWith("io.lettuce.core."));
    }

    @Test
    void eachLoopsDeadMarkIsWrittenFromThatLoop() throws Exception {
        String host = redis.host("loopmark");
        redis.track("dead:" + host);
        List<CompletableFuture<String>> seen = new ArrayList<>();
        int index = 0;
        for (EventExecutor loop : loops) {
            int i = index++;
            seen.add(onLoop(loop, () -> store.markDead(host, "http://10.0.0." + i + ":80", i, 2, 30)));
        }
        for (CompletableFuture<String> s : seen) {
            assertThat(s.get(5, TimeUnit.SECONDS)).isEqualTo("same loop null");
        }
        assertThat(redis.redis.smembers("dead:" + host)).containsExactlyInAnyOrder("0", "1");
    }
}
