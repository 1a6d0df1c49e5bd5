package dev.hoop.agent.postgres;

import dev.hoop.common.pgwire.ErrorResponse;
import java.security.SecureRandom;
import java.util.HexFormat;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Puts a refusal in its right place in the reply stream. A refused statement is replaced by a
 * request that makes the server fail on a unique statement name (the marker); the server's error
 * therefore arrives exactly where the refused statement's answer belongs — after earlier pipelined
 * results, with the transaction and skip-to-Sync state the server keeps — and is swapped for the
 * refusal on the way back. Touched only on the connection's event loop.
 */
final class RefusalMarkers {
    /** Markers the server skipped (an earlier error in the pipeline) are never answered; keep only the newest. */
    private static final int MAX_PENDING = 64;
    private static final SecureRandom RANDOM = new SecureRandom();

    private final String prefix;
    private final Map<String, ErrorResponse> pending = new LinkedHashMap<>() {
        @Override
        protected boolean removeEldestEntry(Map.Entry<String, ErrorResponse> eldest) {
            return size() > MAX_PENDING;
        }
    };
    private long counter;

    RefusalMarkers() {
        byte[] token = new byte[8];
        RANDOM.nextBytes(token);
        prefix = "hoop_refused_" + HexFormat.of().formatHex(token) + "_";
    }

    /** A fresh statement name (a valid identifier under 63 bytes) that will be answered with {@code refusal}. */
    String register(ErrorResponse refusal) {
        String name = prefix + (counter++);
        pending.put(name, refusal);
        return name;
    }

    boolean isEmpty() {
        return pending.isEmpty();
    }

    /** The refusal whose marker the server's error message names, or null when it names none. */
    ErrorResponse resolve(String serverMessage) {
        if (!serverMessage.contains(prefix)) {
            return null;
        }
        for (Iterator<Map.Entry<String, ErrorResponse>> it = pending.entrySet().iterator(); it.hasNext(); ) {
            Map.Entry<String, ErrorResponse> entry = it.next();
            if (serverMessage.contains("\"" + entry.getKey() + "\"")) {
                it.remove();
                return entry.getValue();
            }
        }
        return null;
    }
}
