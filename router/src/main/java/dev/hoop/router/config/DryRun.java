package dev.hoop.router.config;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.hoop.router.driver.DriverUrl;

/**
 * The effective configuration as {@code --dry} prints it: JSON with every default filled in,
 * key/cert/ca contents never shown (only their paths), passphrases and driver passwords censored.
 */
public final class DryRun {
    private static final ObjectMapper JSON = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);

    private DryRun() {}

    public static String render(RouterConfig config) {
        ObjectNode root = JSON.createObjectNode();
        ObjectNode server = JSON.valueToTree(config.server());
        root.set("server", server);
        root.set("http", listeners(config.http().stream().map(l -> listener(l)).toList()));
        root.set("https", listeners(config.https().stream().map(l -> listener(l)).toList()));
        ArrayNode driver = root.putArray("driver");
        config.driver().forEach(u -> driver.add(DriverUrl.parse(u).censored()));
        root.put("user", config.user());
        root.put("group", config.group());
        try {
            return JSON.writeValueAsString(root);
        } catch (Exception e) {
            throw new IllegalStateException("rendering the effective config", e);
        }
    }

    private static ObjectNode listeners(java.util.List<ObjectNode> items) {
        ObjectNode node = JSON.createObjectNode();
        ArrayNode bind = node.putArray("bind");
        items.forEach(bind::add);
        return node;
    }

    private static ObjectNode listener(RouterConfig.Listener l) {
        ObjectNode n = JSON.createObjectNode();
        n.put("address", l.address());
        n.put("port", l.port());
        if (l.cert() != null) {
            n.put("key", l.key() + " (contents censored)");
            n.put("cert", l.cert() + " (contents censored)");
            ArrayNode ca = n.putArray("ca");
            l.ca().forEach(c -> ca.add(c + " (contents censored)"));
            n.put("passphrase", l.passphrase() == null ? null : "********");
        }
        return n;
    }
}
