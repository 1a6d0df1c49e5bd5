package dev.hoop.agent.dlp.gcp;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.hoop.common.config.ConfigException;
import java.net.URI;
import java.security.KeyFactory;
import java.security.PrivateKey;
import java.security.spec.PKCS8EncodedKeySpec;
import java.util.Base64;

/**
 * A Google service account key (the JSON that the console downloads): who signs the token
 * request, with which key, where it goes, and the project DLP bills. {@link #toString} never
 * prints the key. Errors name the field, never quote the JSON (it holds the private key).
 */
record ServiceAccount(String clientEmail, String privateKeyId, PrivateKey privateKey, URI tokenUri, String projectId) {
    static final String DEFAULT_TOKEN_URI = "https://oauth2.googleapis.com/token";
    private static final ObjectMapper JSON = new ObjectMapper();

    static ServiceAccount parse(String json) {
        JsonNode root;
        try {
            root = JSON.readTree(json);
        } catch (Exception e) {
            // Not e's message: Jackson quotes the text around the error, which may be the key.
            throw new ConfigException(DlpSettings.CREDENTIALS + ": not valid JSON (expected: the service account key file's"
                    + " contents, {\"type\":\"service_account\",…})");
        }
        if (root == null || !root.isObject()) {
            throw new ConfigException(DlpSettings.CREDENTIALS + ": not a JSON object (expected: the service account key file's contents)");
        }
        String type = text(root, "type");
        if (!"service_account".equals(type)) {
            throw new ConfigException(DlpSettings.CREDENTIALS + ": \"type\" is " + (type == null ? "missing" : "'" + DlpSettings.shorten(type) + "'")
                    + " (expected: service_account)");
        }
        String email = required(root, "client_email");
        String projectId = required(root, "project_id");
        if (!projectId.matches("[A-Za-z0-9:._-]{1,100}")) {
            throw new ConfigException(DlpSettings.CREDENTIALS + ": \"project_id\" '" + DlpSettings.shorten(projectId)
                    + "' is not a project id (expected letters, digits, '-', '.', ':')");
        }
        String tokenUri = text(root, "token_uri");
        URI token = DlpSettings.url(DlpSettings.CREDENTIALS + " \"token_uri\"", tokenUri == null ? DEFAULT_TOKEN_URI : tokenUri);
        return new ServiceAccount(email, text(root, "private_key_id"), privateKey(required(root, "private_key")), token, projectId);
    }

    private static PrivateKey privateKey(String pem) {
        String body = pem.replace("-----BEGIN PRIVATE KEY-----", "").replace("-----END PRIVATE KEY-----", "").replaceAll("\\s", "");
        try {
            return KeyFactory.getInstance("RSA").generatePrivate(new PKCS8EncodedKeySpec(Base64.getDecoder().decode(body)));
        } catch (Exception e) {
            throw new ConfigException(DlpSettings.CREDENTIALS + ": \"private_key\" is not an RSA private key in PKCS#8 PEM"
                    + " (-----BEGIN PRIVATE KEY-----…) (" + e.getClass().getSimpleName() + ")");
        }
    }

    private static String required(JsonNode root, String field) {
        String value = text(root, field);
        if (value == null || value.isBlank()) {
            throw new ConfigException(DlpSettings.CREDENTIALS + ": \"" + field + "\" is missing (expected: the service account key file's contents)");
        }
        return value;
    }

    private static String text(JsonNode root, String field) {
        JsonNode n = root.get(field);
        return n != null && n.isTextual() ? n.asText() : null;
    }

    @Override
    public String toString() {
        return "ServiceAccount[" + clientEmail + ", project " + projectId + ", token_uri " + tokenUri + ", key hidden]";
    }
}
