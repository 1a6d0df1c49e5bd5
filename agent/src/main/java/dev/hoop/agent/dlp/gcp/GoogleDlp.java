package dev.hoop.agent.dlp.gcp;

import dev.hoop.agent.dlp.MaskingProvider;
import dev.hoop.agent.dlp.TextMasker;
import dev.hoop.agent.masking.MaskingPolicy;
import java.net.http.HttpClient;
import java.time.Clock;
import java.util.Map;
import java.util.Optional;

/**
 * Google Cloud DLP as the agent's masking provider (docs/masking-setup.md#google-dlp): used when
 * {@code GOOGLE_APPLICATION_CREDENTIALS_JSON} is set. One per agent: the HTTP client and the
 * access token are shared by every session.
 */
public final class GoogleDlp implements MaskingProvider {
    private final DlpSettings settings;
    private final DlpClient client;

    private GoogleDlp(DlpSettings settings) {
        this.settings = settings;
        HttpClient http = HttpClient.newBuilder().connectTimeout(settings.connectTimeout())
                .followRedirects(HttpClient.Redirect.NEVER).build();
        this.client = new DlpClient(settings, http, new AccessTokens(settings.credentials(), http, settings.requestTimeout(),
                Clock.systemUTC()));
    }

    /**
     * The provider the agent's environment asks for, or empty (the built-in engine).
     *
     * @throws dev.hoop.common.config.ConfigException naming the variable that is wrong
     */
    public static Optional<MaskingProvider> fromEnv(Map<String, String> env) {
        DlpSettings settings = DlpSettings.fromEnv(env);
        return settings == null ? Optional.empty() : Optional.of(new GoogleDlp(settings));
    }

    @Override
    public TextMasker masker(MaskingPolicy policy) {
        return new DlpMasker(policy, client, settings);
    }

    @Override
    public String toString() {
        return "Google DLP at " + client.deidentifyUri() + " (" + settings.credentials() + ")";
    }
}
