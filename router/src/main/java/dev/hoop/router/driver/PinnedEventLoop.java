package dev.hoop.router.driver;

import io.lettuce.core.resource.EventLoopGroupProvider;
import io.netty.channel.EventLoop;
import io.netty.channel.EventLoopGroup;
import io.netty.util.concurrent.EventExecutorGroup;
import io.netty.util.concurrent.Future;
import io.netty.util.concurrent.ImmediateEventExecutor;
import java.util.concurrent.TimeUnit;

/**
 * Gives Lettuce one of the router's own event loops instead of its own I/O threads, so that a
 * Redis connection lives on the loop of the requests that use it: a lookup's reply completes on
 * that loop and the request goes on without a thread hop. The router owns the loop; Lettuce's
 * release and shutdown leave it running.
 */
final class PinnedEventLoop implements EventLoopGroupProvider {
    private final EventLoop loop;

    PinnedEventLoop(EventLoop loop) {
        this.loop = loop;
    }

    @Override
    @SuppressWarnings("unchecked")
    public <T extends EventLoopGroup> T allocate(Class<T> type) {
        // Lettuce asks for its transport's group class (MultiThreadIoEventLoopGroup for epoll) but only uses it as an
        // EventLoopGroup; a single loop is one, and its next() is always itself.
        return (T) loop;
    }

    @Override
    public int threadPoolSize() {
        return 1;
    }

    @Override
    public Future<Boolean> release(EventExecutorGroup group, long quietPeriod, long timeout, TimeUnit unit) {
        return ImmediateEventExecutor.INSTANCE.newSucceededFuture(true);
    }

    @Override
    public Future<Boolean> shutdown(long quietPeriod, long timeout, TimeUnit unit) {
        return ImmediateEventExecutor.INSTANCE.newSucceededFuture(true);
    }
}
