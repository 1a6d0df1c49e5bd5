package dev.hoop.agent;

import dev.hoop.common.config.ConfigException;
import dev.hoop.common.config.Env;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.regex.Pattern;

/**
 * HOOP_CONNECTION (publishing mode, the Heroku page): a comma-separated list of connection names
 * the agent publishes; items are trimmed and lower-cased, {@code env.NAME} takes the value of
 * variable NAME, and the resolved list may hold at most {@value #MAX_CHARS} characters in all. Each
 * item must be a valid connection name part (the gateway checks again).
 */
final class ConnectionItems {
    static final String VARIABLE = "HOOP_CONNECTION";
    static final int MAX_CHARS = 255;
    /** The gateway publishes at most this many items per agent. */
    static final int MAX_ITEMS = 32;
    /** What the gateway accepts after {@code KEY:} in a published connection's name (lower case by then). */
    static final Pattern ITEM = Pattern.compile("[a-z0-9][a-z0-9_.-]{0,63}");

    private ConnectionItems() {}

    /** @return the items, empty when HOOP_CONNECTION is unset */
    static List<String> fromEnv(Env env) {
        String raw = env.raw(VARIABLE);
        if (raw == null) {
            return List.of();
        }
        List<String> items = new ArrayList<>();
        for (String part : raw.split(",")) {
            String item = part.trim();
            if (item.startsWith("env.")) {
                String name = item.substring("env.".length());
                String value = env.raw(name);
                if (value == null) {
                    throw new ConfigException(VARIABLE + ": '" + item + "' names variable " + name + ", which is not set");
                }
                item = value.trim();
            }
            item = item.toLowerCase(Locale.ROOT);
            if (!item.isEmpty() && !items.contains(item)) {
                items.add(item);
            }
        }
        String joined = String.join(",", items);
        if (joined.length() > MAX_CHARS) {
            throw new ConfigException(VARIABLE + ": " + joined.length() + " characters (expected: at most " + MAX_CHARS + ")");
        }
        if (items.size() > MAX_ITEMS) {
            throw new ConfigException(VARIABLE + ": " + items.size() + " items (expected: at most " + MAX_ITEMS + ")");
        }
        for (String item : items) {
            if (!ITEM.matcher(item).matches()) {
                throw new ConfigException(VARIABLE + ": item '" + item + "' is not valid (expected: 1 to 64 letters, digits, '_', '.'"
                        + " or '-', starting with a letter or digit; it becomes the connection KEY:" + item + ")");
            }
        }
        return List.copyOf(items);
    }
}
