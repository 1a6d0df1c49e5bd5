package dev.hoop.common.net;

import dev.hoop.common.Causes;
import java.net.ConnectException;
import java.net.NoRouteToHostException;
import java.net.SocketTimeoutException;
import java.net.UnknownHostException;
import java.nio.channels.UnresolvedAddressException;
import java.util.Locale;
import java.util.Optional;

/**
 * The one place that turns a failed dial (TCP connect to a host and port) into a short reason a
 * person can act on: {@code unknown host db}, {@code connection refused}, {@code connection timed
 * out}, {@code no route to host}. The CLI's REST and gRPC calls, the agent's reconnect loop and the
 * gateway's database check all word it the same way. TLS mismatches are not dial failures: they
 * are explained by the callers that know the scheme (e.g. {@code GrpcErrors}).
 */
public final class DialFailure {
    private DialFailure() {}

    /**
     * Why {@code error} kept us from reaching {@code host}, or empty when it is not a dial failure
     * (then the caller keeps its own wording).
     */
    public static Optional<String> reason(Throwable error, String host) {
        if (error == null) {
            return Optional.empty();
        }
        String text = messages(error);
        if (Causes.has(error, UnknownHostException.class) || Causes.has(error, UnresolvedAddressException.class)
                || text.contains("unable to resolve host") || text.contains("name or service not known")
                || text.contains("nodename nor servname") || text.contains("temporary failure in name resolution")
                || text.contains("no address associated with hostname")) {
            return Optional.of("unknown host " + host);
        }
        if (Causes.has(error, NoRouteToHostException.class) || text.contains("no route to host")
                || text.contains("network is unreachable")) {
            return Optional.of("no route to host " + host);
        }
        if (text.contains("connection refused")) {
            return Optional.of("connection refused");
        }
        if (Causes.has(error, SocketTimeoutException.class) || text.contains("timed out") || text.contains("connecttimeout")) {
            return Optional.of("connection timed out");
        }
        if (Causes.has(error, ConnectException.class)) {
            // a ConnectException without one of the texts above: Java's HttpClient says only "ConnectException"
            return Optional.of("connection refused");
        }
        return Optional.empty();
    }

    /**
     * {@code cannot reach <what> at <host>:<port>: <reason>}, or empty when {@code error} is not a dial
     * failure. IPv6 literals are bracketed.
     */
    public static Optional<String> sentence(String what, String host, int port, Throwable error) {
        return reason(error, host).map(r -> "cannot reach " + what + " at " + address(host, port) + ": " + r);
    }

    /** {@code host:port}, {@code [::1]:port} for IPv6 literals. */
    public static String address(String host, int port) {
        return (host.indexOf(':') >= 0 && !host.startsWith("[") ? "[" + host + "]" : host) + ":" + port;
    }

    // Class names and messages of the whole chain: the JDK and Netty say the same thing in many ways.
    private static String messages(Throwable error) {
        StringBuilder b = new StringBuilder();
        for (Throwable t : Causes.chain(error)) {
            b.append(t.getClass().getSimpleName()).append(": ").append(t.getMessage()).append('\n');
        }
        return b.toString().toLowerCase(Locale.ROOT);
    }
}
