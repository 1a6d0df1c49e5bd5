package dev.hoop.router.driver;

import dev.hoop.common.config.ConfigException;

/**
 * One parsed driver URL: {@code redis://[:password@][host][:port][/db][#prefix]} (every part
 * optional, {@code redis:} alone means 127.0.0.1:6379 db 0, as in Hipache) or
 * {@code file:<path>} for the embedded JSON-file driver. {@link #toString()} hides the password.
 */
public record DriverUrl(String scheme, String host, int port, String password, int db, String prefix, String path) {
    static final String EXPECTED = "expected redis://[:password@][host][:port][/db][#prefix] or file:<path>";

    public static DriverUrl parse(String url) {
        if (url == null || url.isBlank()) {
            throw bad(url, "empty");
        }
        if (url.startsWith("file:")) {
            String path = url.substring("file:".length());
            if (path.startsWith("//")) {
                path = path.substring(2);
            }
            if (path.isBlank()) {
                throw bad(url, "no file path");
            }
            return new DriverUrl("file", null, 0, null, 0, "", path);
        }
        if (!url.startsWith("redis:")) {
            throw bad(url, "unknown scheme");
        }
        String rest = url.substring("redis:".length());
        if (rest.startsWith("//")) {
            rest = rest.substring(2);
        }
        String prefix = "";
        int hash = rest.indexOf('#');
        if (hash >= 0) {
            prefix = rest.substring(hash + 1);
            rest = rest.substring(0, hash);
        }
        int db = 0;
        int slash = rest.indexOf('/');
        if (slash >= 0) {
            String d = rest.substring(slash + 1);
            rest = rest.substring(0, slash);
            if (!d.isEmpty()) {
                try {
                    db = Integer.parseInt(d);
                } catch (NumberFormatException e) {
                    throw bad(url, "database '" + d + "' is not a number");
                }
                if (db < 0) {
                    throw bad(url, "database " + db + " is negative");
                }
            }
        }
        String password = null;
        int at = rest.lastIndexOf('@');
        if (at >= 0) {
            String auth = rest.substring(0, at);
            password = auth.substring(auth.lastIndexOf(':') + 1); // user:password or :password, as Hipache
            if (password.isEmpty()) {
                password = null;
            }
            rest = rest.substring(at + 1);
        }
        String host = "127.0.0.1";
        int port = 6379;
        if (!rest.isEmpty()) {
            int colon;
            if (rest.startsWith("[")) {
                int end = rest.indexOf(']');
                if (end < 0) {
                    throw bad(url, "unclosed IPv6 address");
                }
                host = rest.substring(1, end);
                colon = rest.indexOf(':', end);
            } else {
                colon = rest.indexOf(':');
                host = colon >= 0 ? rest.substring(0, colon) : rest;
            }
            if (host.isEmpty()) {
                host = "127.0.0.1";
            }
            if (colon >= 0) {
                String p = rest.substring(colon + 1);
                try {
                    port = p.isEmpty() ? 6379 : Integer.parseInt(p);
                } catch (NumberFormatException e) {
                    throw bad(url, "port '" + p + "' is not a number");
                }
                if (port < 1 || port > 65535) {
                    throw bad(url, "port " + port + " out of range 1-65535");
                }
            }
        }
        return new DriverUrl("redis", host, port, password, db, prefix, null);
    }

    public boolean embedded() {
        return "file".equals(scheme);
    }

    /** The URL as it may be printed: the password replaced by stars. */
    public String censored() {
        if (embedded()) {
            return "file:" + path;
        }
        String h = host.contains(":") ? "[" + host + "]" : host;
        return "redis://" + (password == null ? "" : ":********@") + h + ":" + port + "/" + db
                + (prefix.isEmpty() ? "" : "#" + prefix);
    }

    @Override
    public String toString() {
        return censored();
    }

    private static ConfigException bad(String url, String why) {
        String shown = url == null ? "null" : url.replaceAll(":[^:@/]*@", ":********@");
        return new ConfigException("driver: bad URL '" + shown + "': " + why + " (" + EXPECTED + ")");
    }
}
