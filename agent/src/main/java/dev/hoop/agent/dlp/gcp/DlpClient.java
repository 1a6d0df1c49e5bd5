package dev.hoop.agent.dlp.gcp;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.hoop.agent.dlp.MaskingUnavailableException;
import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One {@code content:deidentify} call with a table item, with the retries: a 429, a 5xx or a
 * failed connection/timeout is tried again up to {@link DlpSettings#retries} times (a 401 once with
 * a new token); anything else, and an answer that does not fit the table sent, throws
 * {@link MaskingUnavailableException}: the caller withholds the data. Thread-safe.
 */
final class DlpClient {
    private static final Logger log = LoggerFactory.getLogger(DlpClient.class);
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final long FIRST_BACKOFF_MS = 100;
    private static final long MAX_BACKOFF_MS = 2_000;

    /** The masked table and the redactions per DLP info type name (from overview.transformationSummaries). */
    record Answer(List<String[]> rows, Map<String, Long> counts) {}

    private final DlpSettings settings;
    private final HttpClient http;
    private final AccessTokens tokens;
    private final URI deidentify;

    DlpClient(DlpSettings settings, HttpClient http, AccessTokens tokens) {
        this.settings = settings;
        this.http = http;
        this.tokens = tokens;
        String base = settings.endpoint().toString().replaceAll("/+$", "");
        this.deidentify = URI.create(base + "/v2/projects/" + settings.credentials().projectId() + "/content:deidentify");
    }

    URI deidentifyUri() {
        return deidentify;
    }

    /**
     * @param body    the request (from {@link DeidentifyRequest})
     * @param columns cells per row sent
     * @param sent    the rows sent (to check the answer against: the same count and width)
     */
    Answer deidentify(String body, int columns, List<String[]> sent) {
        int attempts = 1 + settings.retries();
        boolean renewed = false;
        String last = "no attempt";
        for (int attempt = 1; attempt <= attempts; attempt++) {
            if (attempt > 1) {
                backoff(attempt);
            }
            String token;
            try {
                token = tokens.get();
            } catch (MaskingUnavailableException e) {
                last = e.getMessage();
                log.warn("Google DLP: attempt {} of {}: {}", attempt, attempts, last);
                continue;
            }
            HttpRequest request = HttpRequest.newBuilder(deidentify).timeout(settings.requestTimeout())
                    .header("Authorization", "Bearer " + token).header("Content-Type", "application/json; charset=utf-8")
                    .POST(HttpRequest.BodyPublishers.ofString(body)).build();
            int status;
            byte[] answer;
            try {
                HttpResponse<InputStream> response = http.send(request, HttpResponse.BodyHandlers.ofInputStream());
                status = response.statusCode();
                try (InputStream in = response.body()) {
                    answer = in.readNBytes(maxAnswerBytes() + 1);
                }
            } catch (IOException e) {
                last = "no answer from " + deidentify + " (" + e.getClass().getSimpleName() + ")";
                log.warn("Google DLP: attempt {} of {}: {}", attempt, attempts, last);
                continue;
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new MaskingUnavailableException("interrupted while waiting for Google DLP");
            }
            if (status == 200) {
                return parse(answer, columns, sent);
            }
            last = "Google DLP answered " + status + errorStatus(answer);
            if (status == 401 && !renewed) {
                renewed = true;
                tokens.invalidate();
                log.warn("Google DLP: attempt {} of {}: {}; asking for a new token", attempt, attempts, last);
                continue;
            }
            if (status != 429 && status < 500) {
                throw new MaskingUnavailableException(last + " for " + deidentify + " (not retried)");
            }
            log.warn("Google DLP: attempt {} of {}: {}", attempt, attempts, last);
        }
        throw new MaskingUnavailableException(last + "; gave up after " + attempts + " attempt" + (attempts == 1 ? "" : "s"));
    }

    private int maxAnswerBytes() {
        // The masked table may be longer than the clear one (a short value becomes [INFO_TYPE]).
        return 8 * settings.maxBytes() + (1 << 20);
    }

    private static void backoff(int attempt) {
        long ms = Math.min(MAX_BACKOFF_MS, FIRST_BACKOFF_MS << (attempt - 2));
        try {
            Thread.sleep(ms);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new MaskingUnavailableException("interrupted while waiting to retry Google DLP");
        }
    }

    /** Google's error status name (INVALID_ARGUMENT, PERMISSION_DENIED…): never its message, which could quote data. */
    private static String errorStatus(byte[] answer) {
        try {
            JsonNode status = JSON.readTree(answer).path("error").path("status");
            return status.isTextual() && status.asText().matches("[A-Z_]{1,40}") ? " " + status.asText() : "";
        } catch (IOException | RuntimeException e) {
            return "";
        }
    }

    Answer parse(byte[] answer, int columns, List<String[]> sent) {
        if (answer.length > maxAnswerBytes()) {
            throw malformed("over " + maxAnswerBytes() + " bytes");
        }
        JsonNode root;
        try {
            root = JSON.readTree(answer);
        } catch (IOException e) {
            throw malformed("not JSON");
        }
        JsonNode rows = root == null ? null : root.path("item").path("table").path("rows");
        if (rows == null || !rows.isArray()) {
            throw malformed("no item.table.rows");
        }
        if (rows.size() != sent.size()) {
            throw malformed(rows.size() + " rows for the " + sent.size() + " sent");
        }
        List<String[]> out = new ArrayList<>(sent.size());
        for (int r = 0; r < rows.size(); r++) {
            JsonNode values = rows.get(r).path("values");
            if (!values.isArray() || values.size() != columns) {
                throw malformed("row " + (r + 1) + " has " + (values.isArray() ? values.size() : 0) + " values for the " + columns + " sent");
            }
            String[] row = new String[columns];
            for (int c = 0; c < columns; c++) {
                JsonNode v = values.get(c).get("stringValue");
                if (v != null && v.isTextual()) {
                    row[c] = v.asText();
                } else if (sent.get(r)[c].isEmpty()) {
                    row[c] = ""; // proto3 JSON may leave an empty string out
                } else {
                    throw malformed("row " + (r + 1) + " value " + (c + 1) + " is not a string");
                }
            }
            out.add(row);
        }
        return new Answer(out, counts(root.path("overview").path("transformationSummaries")));
    }

    /** SUCCESS results per info type; an ERROR result means a value may be left clear: refused. */
    private static Map<String, Long> counts(JsonNode summaries) {
        Map<String, Long> counts = new HashMap<>();
        if (!summaries.isArray()) {
            return counts;
        }
        for (JsonNode summary : summaries) {
            String type = summary.path("infoType").path("name").asText("");
            for (JsonNode result : summary.path("results")) {
                long n = result.path("count").asLong(0); // int64 comes as a JSON string
                String code = result.path("code").asText("");
                if (code.equals("ERROR") && n > 0) {
                    throw new MaskingUnavailableException("Google DLP could not transform " + n + " value(s)"
                            + (type.isEmpty() ? "" : " of " + DlpSettings.shorten(type)) + "; the data was withheld");
                }
                if (code.equals("SUCCESS") && !type.isEmpty() && n > 0) {
                    counts.merge(type, n, Long::sum);
                }
            }
        }
        return counts;
    }

    private static MaskingUnavailableException malformed(String what) {
        return new MaskingUnavailableException("Google DLP answered a deidentify request with a malformed table (" + what
                + "); the data was withheld");
    }
}
