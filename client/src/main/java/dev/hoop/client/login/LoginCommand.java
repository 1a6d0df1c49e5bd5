package dev.hoop.client.login;

import com.fasterxml.jackson.databind.JsonNode;
import dev.hoop.client.ClientContext;
import dev.hoop.client.api.HoopApi;
import dev.hoop.client.config.ClientConfig;
import dev.hoop.client.config.ConfigStore;
import dev.hoop.client.config.SavedToken;
import java.io.Console;
import java.io.PrintWriter;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code hoop login}: signs a local user in ({@code POST /api/localauth/login}) and saves the token
 * in {@code ~/.hoop/config.toml}. On a terminal it prompts for what is missing; otherwise it takes
 * {@code --email} and reads the password from the first line of standard input. When the gateway
 * uses an identity provider, the sign-in happens in the browser ({@link BrowserLogin}).
 */
@Command(name = "login", mixinStandardHelpOptions = true,
        description = {"Log in to the gateway and save the token in ~/.hoop/config.toml.",
            "On a terminal, prompts for the email and password. In scripts: --email EMAIL with the password on stdin,",
            "e.g. printf '%%s\\n' \"$PASSWORD\" | hoop login --email alice@example.com"})
public final class LoginCommand implements Runnable {
    private final ClientContext ctx;

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Option(names = "--email", paramLabel = "EMAIL", description = "The user's email; the password is then read from stdin unless on a terminal.")
    String email;

    @Option(names = "--api-url", paramLabel = "URL",
            description = "The gateway's REST URL; saved to the configuration (default: the configured one, else " + ClientConfig.DEFAULT_API_URL + ").")
    String apiUrl;

    @Option(names = "--callback-port", hidden = true, defaultValue = "3587", description = "Port of the local sign-in callback (OIDC).")
    int callbackPort;

    @Option(names = "--timeout-seconds", hidden = true, defaultValue = "180", description = "How long to wait for the browser sign-in (OIDC).")
    int timeoutSeconds;

    public LoginCommand() {
        this(ClientContext.system());
    }

    public LoginCommand(ClientContext ctx) {
        this.ctx = Objects.requireNonNull(ctx, "ctx");
    }

    @Override
    public void run() {
        ConfigStore store = ConfigStore.of(ctx);
        ClientConfig effective = store.load();
        String api = apiUrl != null ? stripSlash(apiUrl) : effective.effectiveApiUrl();
        HoopApi anonymous = new HoopApi(api, (String) null, effective.tlsCa());

        JsonNode info = anonymous.get("/api/publicserverinfo");
        String method = info == null || !info.hasNonNull("auth_method") ? "local" : info.get("auth_method").asText();
        if ("oidc".equals(method)) {
            String token = BrowserLogin.run(anonymous, api, callbackPort, java.time.Duration.ofSeconds(timeoutSeconds),
                    ctx.env().get("HOOP_BROWSER"), spec.commandLine().getErr());
            save(store, api, info, token, null, null);
            JsonNode me = new HoopApi(api, token, effective.tlsCa()).get("/api/userinfo");
            PrintWriter out = spec.commandLine().getOut();
            out.printf("logged in to %s as %s (token saved in %s)%n", api, me == null ? "?" : me.path("email").asText("?"), store.file());
            out.flush();
            return;
        }
        if (!"local".equals(method)) {
            throw new IllegalStateException("the gateway at " + api + " uses auth_method=" + method
                    + ", which 'hoop login' does not know (expected: local or oidc)");
        }
        String user = email != null ? email.trim() : promptEmail();
        String password = readPassword();

        Map<String, String> body = new LinkedHashMap<>();
        body.put("email", user);
        body.put("password", password);
        JsonNode answer = anonymous.post("/api/localauth/login", body);
        if (answer == null || !answer.hasNonNull("token") || answer.get("token").asText().isBlank()) {
            throw new IllegalStateException("the gateway at " + api + " accepted the login but sent no token");
        }

        save(store, api, info, answer.get("token").asText(), text(answer, "refresh_token"), SavedToken.instant(text(answer, "expires_at")));

        PrintWriter out = spec.commandLine().getOut();
        out.printf("logged in to %s as %s (token saved in %s)%n", api, user, store.file());
        out.flush();
        if (ctx.env().get("HOOP_TOKEN") != null && !ctx.env().get("HOOP_TOKEN").isBlank()) {
            spec.commandLine().getErr().println("note: HOOP_TOKEN is set and overrides the saved token; unset it to use this login");
        }
    }

    private static void save(ConfigStore store, String api, JsonNode info, String token, String refreshToken, java.time.Instant expiresAt) {
        ClientConfig saved = store.loadFile();
        String grpc = info != null && info.hasNonNull("grpc_url") && !info.get("grpc_url").asText().isBlank()
                ? info.get("grpc_url").asText() : saved.grpcUrl();
        store.save(new ClientConfig(api, grpc, token, saved.tlsCa(), refreshToken, expiresAt));
    }

    private static String text(JsonNode node, String field) {
        return node.hasNonNull(field) && !node.get(field).asText().isBlank() ? node.get(field).asText() : null;
    }

    private String promptEmail() {
        Console console = ctx.interactive() ? System.console() : null;
        if (console == null) {
            throw new IllegalArgumentException("no --email given and no terminal to ask on: run "
                    + "'hoop login --email EMAIL' with the password on standard input");
        }
        String line = console.readLine("Email: ");
        if (line == null || line.isBlank()) {
            throw new IllegalArgumentException("no email entered");
        }
        return line.trim();
    }

    private String readPassword() {
        Console console = ctx.interactive() ? System.console() : null;
        if (console != null) {
            char[] chars = console.readPassword("Password: ");
            if (chars == null || chars.length == 0) {
                throw new IllegalArgumentException("no password entered");
            }
            String password = new String(chars);
            Arrays.fill(chars, '\0');
            return password;
        }
        String line = ctx.readStdinLine();
        if (line == null || line.isEmpty()) {
            throw new IllegalArgumentException("no password on standard input: pipe it in, e.g. "
                    + "printf '%s\\n' \"$PASSWORD\" | hoop login --email " + (email == null ? "EMAIL" : email.trim()));
        }
        return line;
    }

    private static String stripSlash(String url) {
        return url.endsWith("/") ? url.substring(0, url.length() - 1) : url;
    }
}
