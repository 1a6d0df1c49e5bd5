package dev.hoop.gateway.masking;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * A connection's data masking rules, as kept in the {@code dlp} plugin (one list of strings per
 * connection, docs/masking-setup.md), and their translation into the config string the agent
 * parses ({@code masking.config}):
 *
 * <ul>
 *   <li>{@code EMAIL_ADDRESS}: an info type to redact (none listed: every info type);
 *   <li>{@code column:*ssn*}: always mask the whole value of columns whose name matches the glob;
 *   <li>{@code format:TOKEN}: the format of every redaction ({@code KEEP_SHAPE}, {@code TOKEN}, {@code HASH});
 *   <li>{@code format.EMAIL_ADDRESS:HASH}: the format of one info type.
 * </ul>
 */
public final class MaskingRules {
    /** The plugin that holds the rules. */
    public static final String PLUGIN = "dlp";
    /** The info types the agent's engine knows (dev.hoop.agent.masking.InfoType, less its COLUMN marker). */
    public static final List<String> INFO_TYPES = List.of("EMAIL_ADDRESS", "PHONE_NUMBER", "CREDIT_CARD_NUMBER", "IBAN_CODE",
            "IP_ADDRESS", "US_SOCIAL_SECURITY_NUMBER", "US_PASSPORT", "BRAZIL_CPF_NUMBER", "URL", "HTTP_COOKIE",
            "STORAGE_SIGNED_URL", "VEHICLE_IDENTIFICATION_NUMBER", "IMEI_HARDWARE_ID", "DATE_OF_BIRTH", "AWS_ACCESS_KEY",
            "JSON_WEB_TOKEN", "PEM_PRIVATE_KEY", "BEARER_TOKEN");
    public static final List<String> FORMATS = List.of("KEEP_SHAPE", "TOKEN", "HASH");
    static final int MAX_ENTRIES = 100;
    static final int MAX_ENTRY_CHARS = 128;
    private static final Pattern GLOB = Pattern.compile("[A-Za-z0-9_*?.$-]{1,120}");

    private MaskingRules() {}

    /**
     * Checks the entries and returns them normalized (upper-case types and formats, no duplicates).
     *
     * @throws IllegalArgumentException naming the wrong entry and what was expected
     */
    public static List<String> validate(List<String> entries) {
        configString(entries);
        Set<String> out = new LinkedHashSet<>();
        for (String e : entries) {
            out.add(normalize(e.trim()));
        }
        return new ArrayList<>(out);
    }

    /** The agent's config string for these entries (valid ones: see {@link #validate}). */
    public static String configString(List<String> entries) {
        if (entries.size() > MAX_ENTRIES) {
            throw new IllegalArgumentException(entries.size() + " masking rules (expected: at most " + MAX_ENTRIES + ")");
        }
        Set<String> types = new LinkedHashSet<>();
        List<String> columns = new ArrayList<>();
        String format = null;
        Map<String, String> formats = new LinkedHashMap<>();
        for (String raw : entries) {
            if (raw == null || raw.isBlank() || raw.length() > MAX_ENTRY_CHARS) {
                throw new IllegalArgumentException("masking rule '" + (raw == null ? "null" : abbreviate(raw)) + "' (expected: 1 to "
                        + MAX_ENTRY_CHARS + " characters)");
            }
            String e = normalize(raw.trim());
            if (e.startsWith("column:")) {
                String glob = raw.trim().substring(7).trim();
                if (!GLOB.matcher(glob).matches()) {
                    throw new IllegalArgumentException("masking rule '" + raw + "': column glob '" + glob
                            + "' (expected: letters, digits, _ . $ - and the wildcards * ?)");
                }
                columns.add(glob);
            } else if (e.startsWith("FORMAT:")) {
                format = format(raw, e.substring(7));
            } else if (e.startsWith("FORMAT.")) {
                int colon = e.indexOf(':');
                String type = colon < 0 ? e.substring(7) : e.substring(7, colon);
                if (colon < 0) {
                    throw new IllegalArgumentException("masking rule '" + raw + "' (expected: format.INFO_TYPE:FORMAT)");
                }
                formats.put(infoType(raw, type), format(raw, e.substring(colon + 1)));
            } else {
                types.add(infoType(raw, e));
            }
        }
        StringBuilder sb = new StringBuilder("types=").append(String.join(",", types.isEmpty() ? INFO_TYPES : types));
        if (!columns.isEmpty()) {
            sb.append(";columns=").append(String.join(",", columns));
        }
        if (format != null) {
            sb.append(";format=").append(format);
        }
        formats.forEach((type, f) -> sb.append(";format.").append(type).append('=').append(f));
        return sb.toString();
    }

    private static String normalize(String e) {
        int colon = e.indexOf(':');
        String head = (colon < 0 ? e : e.substring(0, colon)).toUpperCase(Locale.ROOT);
        if (head.equals("COLUMN") && colon >= 0) {
            return "column:" + e.substring(colon + 1).trim();
        }
        return colon < 0 ? head : head + ":" + e.substring(colon + 1).trim().toUpperCase(Locale.ROOT);
    }

    private static String infoType(String raw, String type) {
        String t = type.trim().toUpperCase(Locale.ROOT);
        if (!INFO_TYPES.contains(t)) {
            throw new IllegalArgumentException("masking rule '" + abbreviate(raw) + "': unknown info type '" + abbreviate(type)
                    + "' (expected one of " + String.join(", ", INFO_TYPES) + ", or column:GLOB, format:FORMAT, format.INFO_TYPE:FORMAT)");
        }
        return t;
    }

    private static String format(String raw, String f) {
        String t = f.trim().toUpperCase(Locale.ROOT);
        if (!FORMATS.contains(t)) {
            throw new IllegalArgumentException("masking rule '" + abbreviate(raw) + "': unknown format '" + abbreviate(f)
                    + "' (expected one of " + String.join(", ", FORMATS) + ")");
        }
        return t;
    }

    private static String abbreviate(String s) {
        return s.length() <= 40 ? s : s.substring(0, 40) + "…";
    }
}
