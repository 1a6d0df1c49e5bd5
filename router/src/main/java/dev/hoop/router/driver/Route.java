package dev.hoop.router.driver;

import java.util.List;
import java.util.Set;

/**
 * The answer to one lookup: the first non-empty {@code frontend:} list among the candidates, and
 * the dead backend indexes of the requested host.
 *
 * @param frontendKey the candidate that matched (e.g. {@code *.example.com}); null when none did
 * @param identifier  element 0 of the list
 * @param backends    elements 1.. of the list: backend URLs, index 0 is the first backend
 * @param dead        indexes (0-based, into {@code backends}) marked dead in {@code dead:<host>}
 */
public record Route(String frontendKey, String identifier, List<String> backends, Set<Integer> dead) {
    public static final Route NONE = new Route(null, null, List.of(), Set.of());

    public boolean found() {
        return frontendKey != null;
    }
}
