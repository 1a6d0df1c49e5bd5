package dev.hoop.gateway.auth;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Limits failed password logins per account (email) and per client address within a sliding
 * window, so that guessing passwords costs time. A successful login clears the account's count.
 * In memory: a restart forgets the counts, which only gives an attacker one more window.
 */
public final class LoginLimiter {
    public static final Duration WINDOW = Duration.ofMinutes(5);
    public static final int MAX_PER_ACCOUNT = 5;
    public static final int MAX_PER_ADDRESS = 20;
    private static final int MAX_KEYS = 100_000;

    private final Map<String, Deque<Instant>> failures = new ConcurrentHashMap<>();
    private final Clock clock;

    public LoginLimiter(Clock clock) {
        this.clock = clock;
    }

    /** How long to wait before trying again, when the account or the address used up its attempts. */
    public Optional<Duration> blocked(String email, String address) {
        Instant now = clock.instant();
        Optional<Duration> a = wait(account(email), MAX_PER_ACCOUNT, now);
        return a.isPresent() ? a : wait(addr(address), MAX_PER_ADDRESS, now);
    }

    public void failed(String email, String address) {
        Instant now = clock.instant();
        if (failures.size() > MAX_KEYS) {
            // a flood of distinct keys: drop the old entries rather than grow without end
            failures.entrySet().removeIf(e -> { synchronized (e.getValue()) { return prune(e.getValue(), now).isEmpty(); } });
        }
        for (String key : new String[] {account(email), addr(address)}) {
            Deque<Instant> q = failures.computeIfAbsent(key, k -> new ArrayDeque<>());
            synchronized (q) {
                prune(q, now).addLast(now);
            }
        }
    }

    public void succeeded(String email) {
        failures.remove(account(email));
    }

    private Optional<Duration> wait(String key, int max, Instant now) {
        Deque<Instant> q = failures.get(key);
        if (q == null) {
            return Optional.empty();
        }
        synchronized (q) {
            prune(q, now);
            if (q.size() < max) {
                return Optional.empty();
            }
            Duration left = Duration.between(now, q.peekFirst().plus(WINDOW));
            return Optional.of(left.isNegative() ? Duration.ZERO : left);
        }
    }

    private static Deque<Instant> prune(Deque<Instant> q, Instant now) {
        while (!q.isEmpty() && !q.peekFirst().plus(WINDOW).isAfter(now)) {
            q.removeFirst();
        }
        return q;
    }

    private static String account(String email) {
        return "u:" + (email == null ? "" : email.trim().toLowerCase(Locale.ROOT));
    }

    private static String addr(String address) {
        return "a:" + address;
    }
}
