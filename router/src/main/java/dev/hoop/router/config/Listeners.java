package dev.hoop.router.config;

import com.fasterxml.jackson.databind.JsonNode;
import dev.hoop.common.config.ConfigException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * Resolves {@code http.bind} / {@code https.bind} as Hipache does: a single address, a list of
 * addresses, or a list of {@code {address, port, key, cert, ca, passphrase}} objects whose fields
 * override the section's. For https every listener must end up with a readable key and cert.
 */
final class Listeners {
    private Listeners() {}

    static List<RouterConfig.Listener> http(JsonNode section, int port, List<String> defaultBind) {
        List<RouterConfig.Listener> out = new ArrayList<>();
        for (Item item : items(section, "http", defaultBind)) {
            int p = item.node == null ? port : ConfigLoader.integer(item.node, item.name + ".port", "port", port, 0, 65535);
            out.add(RouterConfig.Listener.plain(item.address, p));
        }
        return List.copyOf(out);
    }

    static List<RouterConfig.Listener> https(JsonNode section, int port, List<String> defaultBind) {
        String key = ConfigLoader.text(section, "https.key", "key", null);
        String cert = ConfigLoader.text(section, "https.cert", "cert", null);
        String passphrase = ConfigLoader.text(section, "https.passphrase", "passphrase", null);
        List<String> ca = ca(section, "https.ca");
        List<RouterConfig.Listener> out = new ArrayList<>();
        for (Item item : items(section, "https", defaultBind)) {
            JsonNode n = item.node;
            int p = n == null ? port : ConfigLoader.integer(n, item.name + ".port", "port", port, 0, 65535);
            String k = n == null ? key : ConfigLoader.text(n, item.name + ".key", "key", key);
            String c = n == null ? cert : ConfigLoader.text(n, item.name + ".cert", "cert", cert);
            String pw = n == null ? passphrase : ConfigLoader.text(n, item.name + ".passphrase", "passphrase", passphrase);
            List<String> cas = n == null || !n.has("ca") ? ca : ca(n, item.name + ".ca");
            String where = item.name + " (" + item.address + ":" + p + ")";
            if (k == null || k.isBlank()) {
                throw new ConfigException(where + ": https listener without a key (expected: https.key or \"key\" in the bind item)");
            }
            if (c == null || c.isBlank()) {
                throw new ConfigException(where + ": https listener without a cert (expected: https.cert or \"cert\" in the bind item)");
            }
            readable(where + " key", k);
            readable(where + " cert", c);
            for (String file : cas) {
                readable(where + " ca", file);
            }
            out.add(new RouterConfig.Listener(item.address, p, k, c, cas, pw));
        }
        return List.copyOf(out);
    }

    private record Item(String name, String address, JsonNode node) {}

    private static List<Item> items(JsonNode section, String prefix, List<String> defaultBind) {
        JsonNode bind = section.get("bind");
        List<Item> out = new ArrayList<>();
        if (bind == null || bind.isNull()) {
            for (int i = 0; i < defaultBind.size(); i++) {
                out.add(new Item(prefix + ".bind[" + i + "]", defaultBind.get(i), null));
            }
        } else if (bind.isTextual()) {
            out.add(new Item(prefix + ".bind", bind.asText(), null));
        } else if (bind.isArray()) {
            for (int i = 0; i < bind.size(); i++) {
                JsonNode e = bind.get(i);
                String name = prefix + ".bind[" + i + "]";
                if (e.isTextual()) {
                    out.add(new Item(name, e.asText(), null));
                } else if (e.isObject() && e.path("address").isTextual()) {
                    out.add(new Item(name, e.get("address").asText(), e));
                } else {
                    throw new ConfigException(name + ": " + e + " (expected an address or {\"address\": ..., \"port\": ...})");
                }
            }
        } else {
            throw new ConfigException(prefix + ".bind: " + bind + " (expected an address or a list of addresses)");
        }
        return out;
    }

    private static List<String> ca(JsonNode node, String name) {
        JsonNode ca = node.get("ca");
        if (ca == null || ca.isNull()) {
            return List.of();
        }
        if (ca.isTextual()) {
            return List.of(ca.asText());
        }
        List<String> out = new ArrayList<>();
        if (ca.isArray()) {
            for (JsonNode e : ca) {
                if (!e.isTextual()) {
                    throw new ConfigException(name + ": " + ca + " (expected a file path or a list of file paths)");
                }
                out.add(e.asText());
            }
            return List.copyOf(out);
        }
        throw new ConfigException(name + ": " + ca + " (expected a file path or a list of file paths)");
    }

    private static void readable(String what, String file) {
        Path path = Path.of(file);
        if (!Files.isRegularFile(path) || !Files.isReadable(path)) {
            throw new ConfigException(what + ": cannot read '" + file + "' (expected a readable PEM file)");
        }
    }
}
