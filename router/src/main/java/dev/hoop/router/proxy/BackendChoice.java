package dev.hoop.router.proxy;

import dev.hoop.router.driver.Route;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ThreadLocalRandom;

/**
 * Which backend of a route one request tries next: uniformly at random among those neither in
 * {@code dead:<host>} nor already tried, and how many retries ({@code server.retryOnError}) remain.
 */
final class BackendChoice {
    private final Route route;
    private final Set<Integer> tried = new HashSet<>();
    private int retriesLeft;

    BackendChoice(Route route, int retries) {
        this.route = route;
        this.retriesLeft = retries;
    }

    /** The index of the next backend to try, or -1 when none is left. */
    int next() {
        List<Integer> live = new ArrayList<>(route.backends().size());
        for (int i = 0; i < route.backends().size(); i++) {
            if (!route.dead().contains(i) && !tried.contains(i)) {
                live.add(i);
            }
        }
        if (live.isEmpty()) {
            return -1;
        }
        int pick = live.get(ThreadLocalRandom.current().nextInt(live.size()));
        tried.add(pick);
        return pick;
    }

    boolean anyTried() {
        return !tried.isEmpty();
    }

    /** Uses one retry when one is left and an untried backend may remain. */
    boolean retry() {
        if (retriesLeft > 0 && tried.size() < route.backends().size()) {
            retriesLeft--;
            return true;
        }
        return false;
    }
}
