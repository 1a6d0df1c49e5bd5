package dev.hoop.client.config;

import dev.hoop.client.tls.TlsCa;
import com.fasterxml.jackson.databind.JsonNode;
import dev.hoop.client.ClientContext;
import dev.hoop.client.api.ApiException;
import dev.hoop.client.api.GatewayUnreachableException;
import dev.hoop.client.api.HoopApi;
import java.io.PrintWriter;
import java.net.URI;
import java.util.Objects;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParentCommand;

/** {@code hoop config create|view|clear}: the CLI's settings file {@code ~/.hoop/config.toml}. */
@Command(name = "config", mixinStandardHelpOptions = true,
        description = {"Show or change the CLI's settings (~/.hoop/config.toml, mode 0600).",
            "Environment overrides: HOOP_APIURL, HOOP_GRPCURL, HOOP_TOKEN, HOOP_TLSCA."},
        subcommands = {ConfigCommand.Create.class, ConfigCommand.View.class, ConfigCommand.Clear.class})
public final class ConfigCommand implements Runnable {
    private final ClientContext ctx;

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    public ConfigCommand() {
        this(ClientContext.system());
    }

    public ConfigCommand(ClientContext ctx) {
        this.ctx = Objects.requireNonNull(ctx, "ctx");
    }

    @Override
    public void run() {
        spec.commandLine().usage(spec.commandLine().getOut());
    }

    /** {@code hoop config create}: writes the gateway's addresses (and keeps the token for the same gateway). */
    @Command(name = "create", mixinStandardHelpOptions = true,
            description = {"Write the gateway's addresses to ~/.hoop/config.toml.",
                "Without --grpc-url the gateway is asked for it (GET /api/publicserverinfo); when it cannot be asked, "
                    + "it is the API host on port 8010 (grpcs:// when the API is https://)."})
    static final class Create implements Runnable {
        @ParentCommand ConfigCommand parent;
        @CommandLine.Spec CommandLine.Model.CommandSpec spec;

        @Option(names = "--api-url", paramLabel = "URL", defaultValue = ClientConfig.DEFAULT_API_URL,
                description = "The gateway's REST URL (default: ${DEFAULT-VALUE}).")
        String apiUrl;

        @Option(names = "--grpc-url", paramLabel = "URL", description = "The gateway's gRPC URL, e.g. grpcs://hoop.example.com:8443.")
        String grpcUrl;

        @Option(names = "--tls-ca", paramLabel = "FILE", description = "A PEM file with the certificate authority of the gateway's TLS certificate.")
        String tlsCaFile;

        @Override
        public void run() {
            ConfigStore store = ConfigStore.of(parent.ctx);
            String api = stripSlash(apiUrl);
            String ca = tlsCaFile == null ? null : TlsCa.pemFromValue("--tls-ca", tlsCaFile);
            HoopApi.validateUrl(api);
            String grpc = grpcUrl != null ? grpcUrl : askGrpcUrl(api, ca);
            validateGrpcUrl(grpc);
            ClientConfig old = store.loadFile();
            // A token belongs to one gateway: keep it only when the gateway stays the same.
            boolean same = api.equals(old.apiUrl());
            String token = same ? old.token() : null;
            store.save(new ClientConfig(api, grpc, token, ca, same ? old.refreshToken() : null, same ? old.expiresAt() : null));
            PrintWriter out = spec.commandLine().getOut();
            out.printf("wrote %s%n  api_url  = %s%n  grpc_url = %s%n  tls_ca   = %s%n  token    = %s%n",
                    store.file(), api, grpc, ca == null ? "(none)" : tlsCaFile,
                    token == null ? "(none: run 'hoop login')" : "kept from the previous configuration");
            out.flush();
        }

        private String askGrpcUrl(String api, String ca) {
            try {
                JsonNode info = new HoopApi(api, (String) null, ca).get("/api/publicserverinfo");
                if (info != null && info.hasNonNull("grpc_url") && !info.get("grpc_url").asText().isBlank()) {
                    return info.get("grpc_url").asText();
                }
            } catch (ApiException | GatewayUnreachableException e) {
                spec.commandLine().getErr().println("note: could not ask the gateway for its gRPC URL (" + e.getMessage()
                        + "); using the API host on port 8010");
            }
            return derivedGrpcUrl(api);
        }
    }

    /** {@code hoop config view}: the settings in effect, token masked. */
    @Command(name = "view", mixinStandardHelpOptions = true,
            description = "Show the settings in effect (file plus environment overrides); the token is masked.")
    static final class View implements Runnable {
        @ParentCommand ConfigCommand parent;
        @CommandLine.Spec CommandLine.Model.CommandSpec spec;

        @Override
        public void run() {
            ConfigStore store = ConfigStore.of(parent.ctx);
            ClientConfig c = store.load();
            PrintWriter out = spec.commandLine().getOut();
            out.printf("file     = %s%s%n", store.file(), java.nio.file.Files.exists(store.file()) ? "" : " (does not exist)");
            out.printf("api_url  = %s%n", c.apiUrl() == null ? "(unset: " + ClientConfig.DEFAULT_API_URL + ")" : c.apiUrl());
            out.printf("grpc_url = %s%n", c.grpcUrl() == null ? "(unset: " + ClientConfig.DEFAULT_GRPC_URL + ")" : c.grpcUrl());
            out.printf("token    = %s%n", c.token() == null ? "(none: run 'hoop login')" : ClientConfig.mask(c.token()));
            out.printf("tls_ca   = %s%n", c.tlsCa() == null ? "(none)" : countCerts(c.tlsCa()) + " PEM certificate(s)");
            if (!store.overriddenKeys().isEmpty()) {
                out.printf("overridden by the environment: %s%n", String.join(", ", store.overriddenKeys()));
            }
            out.flush();
        }

        private static int countCerts(String pem) {
            return pem.split("-----BEGIN CERTIFICATE-----", -1).length - 1;
        }
    }

    /** {@code hoop config clear}: removes the file (addresses and token). */
    @Command(name = "clear", mixinStandardHelpOptions = true, description = "Remove ~/.hoop/config.toml (addresses and token).")
    static final class Clear implements Runnable {
        @ParentCommand ConfigCommand parent;
        @CommandLine.Spec CommandLine.Model.CommandSpec spec;

        @Override
        public void run() {
            ConfigStore store = ConfigStore.of(parent.ctx);
            PrintWriter out = spec.commandLine().getOut();
            out.println(store.clear() ? "removed " + store.file() : "nothing to remove: " + store.file() + " does not exist");
            out.flush();
        }
    }

    /** The API host with port 8010 and scheme grpc (grpcs for an https API). */
    static String derivedGrpcUrl(String apiUrl) {
        URI uri = URI.create(apiUrl);
        String scheme = "https".equals(uri.getScheme()) ? "grpcs" : "grpc";
        return scheme + "://" + uri.getHost() + ":8010"; // an IPv6 host comes back in brackets already
    }

    static void validateGrpcUrl(String url) {
        URI uri;
        try {
            uri = URI.create(url);
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("--grpc-url: '" + url + "' is not a URL (expected grpc://HOST:PORT or grpcs://HOST:PORT)", e);
        }
        if (uri.getScheme() == null || !uri.getScheme().matches("grpcs?|https?") || uri.getHost() == null) {
            throw new IllegalArgumentException("--grpc-url: '" + url + "' (expected grpc://HOST:PORT, or grpcs://HOST:PORT for TLS)");
        }
    }

    private static String stripSlash(String url) {
        return url.endsWith("/") ? url.substring(0, url.length() - 1) : url;
    }
}
