package dev.hoop.router.proxy;

import dev.hoop.router.driver.Route;
import java.util.concurrent.ThreadLocalRandom;

/**
 * Which backend of a route one request tries next: uniformly at random among those neither in
 * {@code dead:<host>} nor already tried, and how many retries ({@code server.retryOnError}) remain.
 * Runs once per request, so it works on a small array instead of collections.
 */
final class BackendChoice {
    private final Route route;
    private final boolean[] tried;
    private int triedCount;
    private int retriesLeft;

    BackendChoice(Route route, int retries) {
        this.route = route;
        this.tried = new boolean[route.backends().size()];
        this.retriesLeft = retries;
    }

    private boolean live(int i) {
        return !tried[i] && !route.dead().contains(i);
    }

    /** The index of the next backend to try, or -1 when none is left. */
    int next() {
        int live = 0;
        for (int i = 0; i < tried.length; i++) {
            if (live(i)) {
                live++;
            }
        }
        if (live == 0) {
            return -1;
        }
        int skip = live == 1 ? 0 : ThreadLocalRandom.current().nextInt(live);
        for (int i = 0; i < tried.length; i++) {
            if (live(i) && skip-- == 0) {
                tried[i] = true;
                triedCount++;
                return i;
            }
        }
        throw new IllegalStateException("unreachable: " + live + " live backends counted");
    }

    boolean anyTried() {
        return triedCount > 0;
    }

    /** Uses one retry when one is left and an untried backend may remain. */
    boolean retry() {
        if (retriesLeft > 0 && triedCount < tried.length) {
            retriesLeft--;
            return true;
        }
        return false;
    }
}
