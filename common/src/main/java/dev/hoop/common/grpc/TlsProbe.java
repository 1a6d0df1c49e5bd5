package dev.hoop.common.grpc;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.security.GeneralSecurityException;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.util.Optional;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLException;
import javax.net.ssl.SSLSocket;
import javax.net.ssl.TrustManager;
import javax.net.ssl.X509TrustManager;

/**
 * Asks a port whether it speaks TLS, after a plaintext gRPC connection to it failed: a TLS server
 * (the gateway's own, or nginx's {@code ssl} listener) answers the plaintext HTTP/2 preface with a
 * closed connection or an HTTP/1.1 400, which says nothing by itself. Only a handshake is made, to
 * tell the user which scheme to use: the certificate is not judged here and no data is sent.
 */
@FunctionalInterface
public interface TlsProbe {
    Duration TIMEOUT = Duration.ofSeconds(2);

    /** @return whether a TLS handshake completes; empty when the port cannot be reached at all */
    Optional<Boolean> speaksTls(String host, int port);

    /** The real probe over the network, bounded by {@link #TIMEOUT}. */
    static TlsProbe network() {
        return (host, port) -> {
            try (Socket raw = new Socket()) {
                raw.connect(new InetSocketAddress(host, port), (int) TIMEOUT.toMillis());
                raw.setSoTimeout((int) TIMEOUT.toMillis());
                try (SSLSocket tls = (SSLSocket) anyCertificate().getSocketFactory().createSocket(raw, host, port, false)) {
                    tls.startHandshake();
                    return Optional.of(true);
                } catch (SSLException notTls) {
                    return Optional.of(false);
                }
            } catch (IOException unreachable) {
                return Optional.empty();
            }
        };
    }

    /** Never probes: for callers that must not touch the network. */
    static TlsProbe none() {
        return (host, port) -> Optional.empty();
    }

    private static SSLContext anyCertificate() {
        try {
            SSLContext ctx = SSLContext.getInstance("TLS");
            // the probe only learns whether TLS is spoken; the real connection verifies the certificate
            ctx.init(null, new TrustManager[] {new X509TrustManager() {
                @Override
                public void checkClientTrusted(X509Certificate[] chain, String authType) {}

                @Override
                public void checkServerTrusted(X509Certificate[] chain, String authType) {}

                @Override
                public X509Certificate[] getAcceptedIssuers() {
                    return new X509Certificate[0];
                }
            }}, null);
            return ctx;
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("no TLS in this JVM", e);
        }
    }
}
