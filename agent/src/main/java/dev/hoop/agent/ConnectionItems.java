package dev.hoop.agent;

import dev.hoop.common.config.ConfigException;
import dev.hoop.common.config.Env;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * HOOP_CONNECTION (publishing mode, the Heroku page): a comma-separated list of connection names
 * the agent publishes; items are trimmed and lower-cased, {@code env.NAME} takes the value of
 * variable NAME, and the resolved list may hold at most {@value #MAX_CHARS} characters in all.
 */
final class ConnectionItems {
    static final String VARIABLE = "HOOP_CONNECTION";
    static final int MAX_CHARS = 255;

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
        return List.copyOf(items);
    }
}
