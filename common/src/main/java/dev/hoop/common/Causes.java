package dev.hoop.common;

import java.util.ArrayList;
import java.util.List;
import java.util.regex.Pattern;

/**
 * The one place that reads an exception's cause chain for a message: what went wrong at the
 * bottom ("Connection refused", "could not lock ..."), without the wrappers (gRPC, JDBC pools,
 * Netty, futures) that every layer adds on the way up. Cycle-safe: a chain that loops is walked once.
 */
public final class Causes {
    /**
     * Netty's native transports prefix the errno text: "finishConnect(..) failed with error(-111): "
     * (epoll), "io_uring connect(..) failed with error(-111): " (io_uring).
     */
    private static final Pattern NATIVE_PREFIX = Pattern.compile("^[\\w ]*\\w\\(\\.\\.\\) failed( with error\\(-?\\d+\\))?: ");

    private Causes() {}

    /** The throwable itself, then its causes, outermost first; each at most once. */
    public static List<Throwable> chain(Throwable error) {
        List<Throwable> chain = new ArrayList<>();
        for (Throwable t = error; t != null && !contains(chain, t); t = t.getCause()) {
            chain.add(t);
        }
        return chain;
    }

    /** The innermost cause (the throwable itself when it has none). */
    public static Throwable root(Throwable error) {
        List<Throwable> chain = chain(error);
        return chain.get(chain.size() - 1);
    }

    /**
     * The root cause's message, for a sentence like "cannot connect to db:5432: Connection refused":
     * Netty's native errno prefix removed; the class's simple name when the root has no message.
     */
    public static String message(Throwable error) {
        Throwable root = root(error);
        String message = root.getMessage();
        if (message == null || message.isBlank()) {
            return root.getClass().getSimpleName();
        }
        return NATIVE_PREFIX.matcher(message).replaceFirst("");
    }

    /** Whether the throwable or any of its causes is a {@code type}. */
    public static boolean has(Throwable error, Class<? extends Throwable> type) {
        return chain(error).stream().anyMatch(type::isInstance);
    }

    /** Whether any message in the chain contains {@code text} (case-sensitive). */
    public static boolean mentions(Throwable error, String text) {
        return chain(error).stream().anyMatch(t -> t.getMessage() != null && t.getMessage().contains(text));
    }

    private static boolean contains(List<Throwable> chain, Throwable t) {
        for (Throwable seen : chain) {
            if (seen == t) {
                return true;
            }
        }
        return false;
    }
}
