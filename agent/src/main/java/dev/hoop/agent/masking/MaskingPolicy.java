package dev.hoop.agent.masking;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.EnumMap;
import java.util.EnumSet;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

/**
 * What to mask on one connection: the info types to detect, the column rules (case-insensitive
 * globs with {@code *} and {@code ?}; a matching column's whole value is masked as {@link InfoType#COLUMN}),
 * the format per type and the default format ({@link MaskFormat#TOKEN} when none is given), and the
 * key for {@link MaskFormat#HASH}. Immutable; validated here (null → empty, a clear
 * {@link IllegalArgumentException} otherwise).
 */
public record MaskingPolicy(Set<InfoType> infoTypes, List<String> columnGlobs,
                            Map<InfoType, MaskFormat> formats, MaskFormat defaultFormat, byte[] hashKey) {

    /** Limits that keep a hostile or broken configuration from costing memory or time. */
    static final int MAX_CONFIG_CHARS = 65_536;
    static final int MAX_COLUMN_RULES = 1_000;
    static final int MAX_GLOB_CHARS = 128;
    /** HMAC keys shorter than this are guessable. */
    static final int MIN_HASH_KEY_BYTES = 16;

    public MaskingPolicy {
        infoTypes = infoTypes == null ? Set.of() : copyTypes(infoTypes);
        columnGlobs = columnGlobs == null ? List.of() : copyGlobs(columnGlobs);
        formats = formats == null ? Map.of() : copyFormats(formats);
        defaultFormat = defaultFormat == null ? MaskFormat.TOKEN : defaultFormat;
        hashKey = hashKey == null ? new byte[0] : hashKey.clone();
        boolean hashUsed = defaultFormat == MaskFormat.HASH || formats.containsValue(MaskFormat.HASH);
        if (hashUsed && hashKey.length < MIN_HASH_KEY_BYTES) {
            throw new IllegalArgumentException("masking format HASH needs a hash key of at least " + MIN_HASH_KEY_BYTES
                    + " bytes (got " + hashKey.length + ")");
        }
    }

    /**
     * Parses the per-connection config string sent by the gateway, e.g.
     * {@code "types=EMAIL_ADDRESS,CREDIT_CARD_NUMBER;columns=email,*ssn*;format=KEEP_SHAPE;format.EMAIL_ADDRESS=HASH"}
     * (the hash key is given separately). Keys: {@code types} (names, or {@code ALL}), {@code columns},
     * {@code format}, {@code format.<TYPE>}; each at most once; empty parts are ignored.
     *
     * @throws IllegalArgumentException naming the part that was wrong and what was expected
     */
    public static MaskingPolicy parse(String config, byte[] hashKey) {
        if (config == null) {
            return new MaskingPolicy(null, null, null, null, hashKey);
        }
        if (config.length() > MAX_CONFIG_CHARS) {
            throw new IllegalArgumentException("masking config: " + config.length() + " characters (expected: at most " + MAX_CONFIG_CHARS + ")");
        }
        Set<InfoType> types = EnumSet.noneOf(InfoType.class);
        List<String> columns = new ArrayList<>();
        Map<InfoType, MaskFormat> formats = new EnumMap<>(InfoType.class);
        MaskFormat defaultFormat = null;
        Set<String> seen = new LinkedHashSet<>();
        for (String part : config.split(";", -1)) {
            String p = part.strip();
            if (p.isEmpty()) {
                continue;
            }
            int eq = p.indexOf('=');
            if (eq < 0) {
                throw new IllegalArgumentException("masking config: '" + shorten(p) + "' has no '=' (expected: key=value parts separated by ';')");
            }
            String key = p.substring(0, eq).strip();
            String value = p.substring(eq + 1).strip();
            if (!seen.add(key.toLowerCase(Locale.ROOT))) {
                throw new IllegalArgumentException("masking config: key '" + shorten(key) + "' given twice");
            }
            String k = key.toLowerCase(Locale.ROOT);
            if (k.equals("types")) {
                for (String name : list(value)) {
                    if (name.equalsIgnoreCase("ALL") || name.equals("*")) {
                        types.addAll(EnumSet.complementOf(EnumSet.of(InfoType.COLUMN)));
                    } else {
                        types.add(type(name));
                    }
                }
            } else if (k.equals("columns")) {
                columns.addAll(list(value));
            } else if (k.equals("format")) {
                defaultFormat = format(value, "format");
            } else if (k.startsWith("format.")) {
                formats.put(type(key.substring("format.".length()).strip()), format(value, key));
            } else {
                throw new IllegalArgumentException("masking config: unknown key '" + shorten(key)
                        + "' (expected: types, columns, format, format.<INFO_TYPE>)");
            }
        }
        return new MaskingPolicy(types, columns, formats, defaultFormat, hashKey);
    }

    /** The format for values of this type. */
    public MaskFormat formatOf(InfoType type) {
        return formats.getOrDefault(type, defaultFormat);
    }

    /** A copy: the record stays immutable. */
    @Override
    public byte[] hashKey() {
        return hashKey.clone();
    }

    byte[] hashKeyShared() {
        return hashKey;
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof MaskingPolicy p && infoTypes.equals(p.infoTypes) && columnGlobs.equals(p.columnGlobs)
                && formats.equals(p.formats) && defaultFormat == p.defaultFormat && Arrays.equals(hashKey, p.hashKey);
    }

    @Override
    public int hashCode() {
        return ((infoTypes.hashCode() * 31 + columnGlobs.hashCode()) * 31 + formats.hashCode()) * 31 + defaultFormat.hashCode();
    }

    /** Never prints the key. */
    @Override
    public String toString() {
        return "MaskingPolicy[infoTypes=" + infoTypes + ", columnGlobs=" + columnGlobs + ", formats=" + formats
                + ", defaultFormat=" + defaultFormat + ", hashKey=" + hashKey.length + " bytes]";
    }

    private static List<String> list(String value) {
        List<String> out = new ArrayList<>();
        for (String s : value.split(",", -1)) {
            String t = s.strip();
            if (!t.isEmpty()) {
                out.add(t);
            }
        }
        return out;
    }

    private static InfoType type(String name) {
        try {
            return InfoType.valueOf(name.toUpperCase(Locale.ROOT));
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("masking config: unknown info type '" + shorten(name) + "' (expected one of: "
                    + Arrays.toString(InfoType.values()) + ", or ALL)");
        }
    }

    private static MaskFormat format(String value, String key) {
        try {
            return MaskFormat.valueOf(value.toUpperCase(Locale.ROOT));
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("masking config: " + shorten(key) + "='" + shorten(value)
                    + "' is not a format (expected: KEEP_SHAPE, TOKEN or HASH)");
        }
    }

    private static Set<InfoType> copyTypes(Set<InfoType> types) {
        Set<InfoType> copy = EnumSet.noneOf(InfoType.class);
        for (InfoType t : types) {
            if (t == null) {
                throw new IllegalArgumentException("masking policy: an info type is null");
            }
            copy.add(t);
        }
        return java.util.Collections.unmodifiableSet(copy);
    }

    private static List<String> copyGlobs(List<String> globs) {
        if (globs.size() > MAX_COLUMN_RULES) {
            throw new IllegalArgumentException("masking policy: " + globs.size() + " column rules (expected: at most " + MAX_COLUMN_RULES + ")");
        }
        List<String> copy = new ArrayList<>(globs.size());
        for (String g : globs) {
            if (g == null || g.isBlank()) {
                throw new IllegalArgumentException("masking policy: a column rule is empty (expected: a column name or glob such as *ssn*)");
            }
            if (g.length() > MAX_GLOB_CHARS) {
                throw new IllegalArgumentException("masking policy: column rule '" + shorten(g) + "' has " + g.length()
                        + " characters (expected: at most " + MAX_GLOB_CHARS + ")");
            }
            for (int i = 0; i < g.length(); i++) {
                char c = g.charAt(i);
                if (c < 0x20 || c == 0x7f || c == ',' || c == ';') {
                    throw new IllegalArgumentException("masking policy: column rule '" + shorten(g)
                            + "' contains a control character, ',' or ';' (expected: a column name or glob)");
                }
            }
            copy.add(g.strip());
        }
        return List.copyOf(copy);
    }

    private static Map<InfoType, MaskFormat> copyFormats(Map<InfoType, MaskFormat> formats) {
        Map<InfoType, MaskFormat> copy = new EnumMap<>(InfoType.class);
        formats.forEach((t, f) -> {
            if (t == null || f == null) {
                throw new IllegalArgumentException("masking policy: a format entry has a null type or format");
            }
            copy.put(t, f);
        });
        return java.util.Collections.unmodifiableMap(copy);
    }

    /** Echoes at most 40 characters of a bad value, and no control characters. */
    private static String shorten(String s) {
        String t = s.length() > 40 ? s.substring(0, 40) + "…" : s;
        return t.replaceAll("\\p{Cntrl}", "?");
    }
}
