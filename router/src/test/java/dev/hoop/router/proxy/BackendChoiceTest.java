package dev.hoop.router.proxy;

import static org.assertj.core.api.Assertions.assertThat;

import dev.hoop.router.driver.Route;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;

class BackendChoiceTest {
    static Route route(int backends, Set<Integer> dead) {
        List<String> urls = java.util.stream.IntStream.range(0, backends).mapToObj(i -> "http://10.0.0." + i + ":80").toList();
        return new Route("h.test", "app", urls, dead);
    }

    @Test
    void deadBackendsAreNeverChosenAndEachLiveOneAtMostOnce() {
        BackendChoice c = new BackendChoice(route(4, Set.of(1, 3)), 3);
        int first = c.next();
        int second = c.next();
        assertThat(Set.of(first, second)).containsExactlyInAnyOrder(0, 2);
        assertThat(c.next()).isEqualTo(-1);
        assertThat(c.anyTried()).isTrue();
    }

    @Test
    void theChoiceIsUniformAmongLiveBackends() {
        Map<Integer, Integer> counts = new HashMap<>();
        for (int i = 0; i < 30_000; i++) {
            counts.merge(new BackendChoice(route(4, Set.of(2)), 0).next(), 1, Integer::sum);
        }
        assertThat(counts.keySet()).containsExactlyInAnyOrder(0, 1, 3);
        assertThat(counts.values()).allSatisfy(n -> assertThat(n).isBetween(9_000, 11_000));
    }

    @Test
    void retriesAreCountedAndStopWhenEveryBackendWasTried() {
        BackendChoice c = new BackendChoice(route(2, Set.of()), 5);
        assertThat(c.anyTried()).isFalse();
        c.next();
        assertThat(c.retry()).isTrue();
        c.next();
        assertThat(c.retry()).as("both tried").isFalse();
        BackendChoice none = new BackendChoice(route(3, Set.of()), 0);
        none.next();
        assertThat(none.retry()).as("retryOnError 0").isFalse();
    }
}
