package dev.hoop.agent.dlp.gcp;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.hoop.agent.masking.InfoType;
import dev.hoop.agent.masking.MaskFormat;
import dev.hoop.agent.masking.MaskingPolicy;
import java.util.ArrayList;
import java.util.Base64;
import java.util.EnumMap;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * The body of {@code content:deidentify} for one policy: the inspect and deidentify configuration
 * (built once), and the table item (headers c0…cN, so no column name leaves the agent), assembled as
 * text so that its size in bytes is known exactly while rows are added.
 *
 * <p>Formats map to DLP's primitive transformations: TOKEN → {@code replaceWithInfoTypeConfig}
 * ({@code [EMAIL_ADDRESS]}, as the built-in engine writes it), KEEP_SHAPE → {@code
 * characterMaskConfig} with {@code *} (punctuation kept), HASH → {@code cryptoHashConfig} with the
 * organization's hash key as a transient unwrapped key.
 */
final class DeidentifyRequest {
    private static final ObjectMapper JSON = new ObjectMapper();
    /** Our names where DLP's detector is called differently; the others are DLP's names already. */
    private static final Map<InfoType, String> DLP_NAMES = Map.of(
            InfoType.AWS_ACCESS_KEY, "AWS_CREDENTIALS",
            InfoType.PEM_PRIVATE_KEY, "ENCRYPTION_KEY",
            InfoType.BEARER_TOKEN, "AUTH_TOKEN");

    private final String config;
    private final boolean empty;

    DeidentifyRequest(MaskingPolicy policy) {
        Map<MaskFormat, List<InfoType>> byFormat = new EnumMap<>(MaskFormat.class);
        for (InfoType t : policy.infoTypes()) {
            if (t != InfoType.COLUMN) {
                byFormat.computeIfAbsent(policy.formatOf(t), f -> new ArrayList<>()).add(t);
            }
        }
        this.empty = byFormat.isEmpty();
        ObjectNode root = JSON.createObjectNode();
        ArrayNode inspect = root.putObject("inspectConfig").putArray("infoTypes");
        ArrayNode transformations = root.putObject("deidentifyConfig").putObject("infoTypeTransformations").putArray("transformations");
        byFormat.forEach((format, types) -> {
            ObjectNode t = transformations.addObject();
            ArrayNode names = t.putArray("infoTypes");
            for (InfoType type : types) {
                inspect.addObject().put("name", dlpName(type));
                names.addObject().put("name", dlpName(type));
            }
            ObjectNode primitive = t.putObject("primitiveTransformation");
            switch (format) {
                case TOKEN -> primitive.putObject("replaceWithInfoTypeConfig");
                case KEEP_SHAPE -> primitive.putObject("characterMaskConfig").put("maskingCharacter", "*")
                        .putArray("charactersToIgnore").addObject().put("commonCharactersToIgnore", "PUNCTUATION");
                case HASH -> primitive.putObject("cryptoHashConfig").putObject("cryptoKey").putObject("unwrapped")
                        .put("key", Base64.getEncoder().encodeToString(policy.hashKey()));
            }
        });
        String c = root.toString();
        this.config = c.substring(1, c.length() - 1); // the fields, to follow the item
    }

    /** Whether the policy has no info type for DLP (only column rules, applied in the agent). */
    boolean empty() {
        return empty;
    }

    static String dlpName(InfoType type) {
        return DLP_NAMES.getOrDefault(type, type.name());
    }

    /** Our info type for a DLP name in the answer's summaries, or null. */
    static InfoType ours(String dlpName) {
        return OURS.get(dlpName);
    }

    private static final Map<String, InfoType> OURS = new HashMap<>();

    static {
        for (InfoType t : InfoType.values()) {
            if (t != InfoType.COLUMN) {
                OURS.put(dlpName(t), t);
            }
        }
    }

    /** One row as JSON: {@code {"values":[{"stringValue":"…"},…]}}. */
    static String row(String[] cells) {
        ObjectNode row = JSON.createObjectNode();
        ArrayNode values = row.putArray("values");
        for (String cell : cells) {
            values.addObject().put("stringValue", cell);
        }
        return row.toString();
    }

    /** Bytes of a body before its rows (and the commas between them). */
    int overhead(int columns) {
        return utf8(body(columns, List.of()));
    }

    /** The whole body for these rows, already in JSON ({@link #row}). */
    String body(int columns, List<String> rows) {
        StringBuilder sb = new StringBuilder(256 + rows.size() * 64);
        sb.append("{\"item\":{\"table\":{\"headers\":[");
        for (int c = 0; c < columns; c++) {
            sb.append(c == 0 ? "" : ",").append("{\"name\":\"c").append(c).append("\"}");
        }
        sb.append("],\"rows\":[");
        for (int r = 0; r < rows.size(); r++) {
            sb.append(r == 0 ? "" : ",").append(rows.get(r));
        }
        return sb.append("]}},").append(config).append('}').toString();
    }

    static int utf8(String s) {
        int n = 0;
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            if (c < 0x80) {
                n++;
            } else if (c < 0x800) {
                n += 2;
            } else if (Character.isHighSurrogate(c)) {
                n += 4;
                i++;
            } else {
                n += 3;
            }
        }
        return n;
    }
}
