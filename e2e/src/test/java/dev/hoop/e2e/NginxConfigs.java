package dev.hoop.e2e;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * The shipped configurations of deploy/nginx, made runnable on this machine: the ports, upstream
 * addresses, certificate paths and (for the idle tests) timeouts are replaced; everything else is
 * tested as shipped. Each replaced text must be in the file, so that an edit of deploy/nginx that
 * this class does not know fails here instead of silently testing something else.
 */
final class NginxConfigs {
    private NginxConfigs() {}

    static String read(String name) throws IOException {
        Path root = Path.of(System.getProperty("hoop.home")).toAbsolutePath();
        return Files.readString(root.resolve("deploy/nginx").resolve(name), StandardCharsets.UTF_8);
    }

    /**
     * @param timeout replaces every {@code 1h} timeout (e.g. {@code 5s}), or null to keep them
     */
    static String singlePort(int tlsPort, int httpPort, int apiPort, int grpcPort, TestCertificates certs, String timeout) throws IOException {
        String c = read("hoop-single-port.conf");
        c = common(c, tlsPort, httpPort, apiPort, grpcPort, timeout);
        c = replace(c, "/etc/nginx/tls/hoop.example.com.crt", certs.serverCert().toString());
        c = replace(c, "/etc/nginx/tls/hoop.example.com.key", certs.serverKey().toString());
        return c;
    }

    static String twoHosts(int tlsPort, int httpPort, int apiPort, int grpcPort, TestCertificates certs) throws IOException {
        String c = common(read("hoop-two-hosts.conf"), tlsPort, httpPort, apiPort, grpcPort, null);
        for (String host : new String[] {"hoop.example.com", "grpc.hoop.example.com"}) {
            c = replace(c, "/etc/nginx/tls/" + host + ".crt", certs.serverCert().toString());
            c = replace(c, "/etc/nginx/tls/" + host + ".key", certs.serverKey().toString());
        }
        return c;
    }

    private static String common(String c, int tlsPort, int httpPort, int apiPort, int grpcPort, String timeout) {
        c = replace(c, "server 127.0.0.1:8009;", "server 127.0.0.1:" + apiPort + ";");
        c = replace(c, "server 127.0.0.1:8010;", "server 127.0.0.1:" + grpcPort + ";");
        // loopback only, and no IPv6 listener (the test machine may have none)
        c = replace(c, "listen [::]:443 ssl http2;", "");
        c = replace(c, "listen 443 ssl http2;", "listen 127.0.0.1:" + tlsPort + " ssl http2;");
        c = replace(c, "listen [::]:80;", "");
        c = replace(c, "listen 80;", "listen 127.0.0.1:" + httpPort + ";");
        if (timeout != null) {
            c = replace(c, " 1h;", " " + timeout + ";");
        }
        return c;
    }

    static String replace(String text, String from, String to) {
        if (!text.contains(from)) {
            throw new AssertionError("deploy/nginx no longer contains '" + from + "': update NginxConfigs with it");
        }
        return text.replace(from, to);
    }
}
