package dev.hoop.router.tls;

import dev.hoop.common.config.ConfigException;
import dev.hoop.router.config.RouterConfig;
import io.netty.handler.codec.http2.Http2SecurityUtil;
import io.netty.handler.ssl.ApplicationProtocolConfig;
import io.netty.handler.ssl.ApplicationProtocolNames;
import io.netty.handler.ssl.SslContext;
import io.netty.handler.ssl.SslContextBuilder;
import io.netty.handler.ssl.SupportedCipherSuiteFilter;
import io.netty.util.DomainWildcardMappingBuilder;
import io.netty.util.Mapping;
import java.io.File;
import java.io.IOException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;
import javax.net.ssl.SSLException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * TLS contexts for https listeners: the listener's own key/cert/ca (Hipache's per-bind settings)
 * as the default, plus one certificate per host name from {@code server.sniDir}
 * ({@code <name>.crt} + {@code <name>.key}; {@code _wildcard.example.com.crt} serves
 * {@code *.example.com}), chosen by SNI. ALPN offers h2 then http/1.1.
 */
public final class TlsContexts {
    private static final Logger LOG = LoggerFactory.getLogger(TlsContexts.class);

    private TlsContexts() {}

    /** SNI host name → context for one listener; unknown names get the listener's own certificate. */
    public static Mapping<String, SslContext> forListener(RouterConfig.Listener listener, String sniDir) {
        SslContext fallback = context(listener.cert(), listener.key(), listener.passphrase(), listener.ca(),
                "https listener " + listener.address() + ":" + listener.port());
        DomainWildcardMappingBuilder<SslContext> mapping = new DomainWildcardMappingBuilder<>(fallback);
        if (sniDir != null) {
            int count = 0;
            try (DirectoryStream<Path> certs = Files.newDirectoryStream(Path.of(sniDir), "*.crt")) {
                for (Path cert : certs) {
                    String name = cert.getFileName().toString();
                    name = name.substring(0, name.length() - ".crt".length());
                    Path key = cert.resolveSibling(name + ".key");
                    if (!Files.isReadable(key)) {
                        throw new ConfigException("server.sniDir: " + cert + " has no readable " + key.getFileName());
                    }
                    String host = name.startsWith("_wildcard.") ? "*." + name.substring("_wildcard.".length()) : name;
                    mapping.add(host.toLowerCase(Locale.ROOT),
                            context(cert.toString(), key.toString(), null, java.util.List.of(), "server.sniDir " + cert));
                    count++;
                }
            } catch (IOException e) {
                throw new ConfigException("server.sniDir: cannot list '" + sniDir + "' (" + e + ")", e);
            }
            LOG.info("TLS: {} SNI certificates from {}", count, sniDir);
        }
        return mapping.build();
    }

    static SslContext context(String cert, String key, String passphrase, java.util.List<String> ca, String what) {
        try {
            SslContextBuilder b = SslContextBuilder.forServer(new File(cert), new File(key), passphrase)
                    .ciphers(Http2SecurityUtil.CIPHERS, SupportedCipherSuiteFilter.INSTANCE)
                    .applicationProtocolConfig(new ApplicationProtocolConfig(ApplicationProtocolConfig.Protocol.ALPN,
                            ApplicationProtocolConfig.SelectorFailureBehavior.NO_ADVERTISE,
                            ApplicationProtocolConfig.SelectedListenerFailureBehavior.ACCEPT,
                            ApplicationProtocolNames.HTTP_2, ApplicationProtocolNames.HTTP_1_1));
            if (!ca.isEmpty()) {
                // Hipache's https.ca: extra chain certificates served after the leaf.
                java.io.ByteArrayOutputStream chain = new java.io.ByteArrayOutputStream();
                chain.write(Files.readAllBytes(Path.of(cert)));
                for (String c : ca) {
                    chain.write('\n');
                    chain.write(Files.readAllBytes(Path.of(c)));
                }
                b = SslContextBuilder.forServer(new java.io.ByteArrayInputStream(chain.toByteArray()),
                                Files.newInputStream(Path.of(key)), passphrase)
                        .ciphers(Http2SecurityUtil.CIPHERS, SupportedCipherSuiteFilter.INSTANCE)
                        .applicationProtocolConfig(new ApplicationProtocolConfig(ApplicationProtocolConfig.Protocol.ALPN,
                                ApplicationProtocolConfig.SelectorFailureBehavior.NO_ADVERTISE,
                                ApplicationProtocolConfig.SelectedListenerFailureBehavior.ACCEPT,
                                ApplicationProtocolNames.HTTP_2, ApplicationProtocolNames.HTTP_1_1));
            }
            return b.build();
        } catch (SSLException | IllegalArgumentException e) {
            throw new ConfigException(what + ": cannot use cert '" + cert + "' with key '" + key + "' ("
                    + e.getMessage() + "; expected PEM files, and the passphrase when the key is encrypted)", e);
        } catch (IOException e) {
            throw new ConfigException(what + ": cannot read the certificate files (" + e + ")", e);
        }
    }
}
