package dev.hoop.agent.masking;

import java.util.ArrayList;
import java.util.EnumMap;
import java.util.EnumSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

/** STAND-IN (masking-wire): replaced by the engine's file at merge. */
public record MaskingPolicy(Set<InfoType> infoTypes, List<String> columnGlobs,
                            Map<InfoType, MaskFormat> formats, MaskFormat defaultFormat, byte[] hashKey) {
    public MaskingPolicy {
        infoTypes = infoTypes == null ? Set.of() : Set.copyOf(infoTypes);
        columnGlobs = columnGlobs == null ? List.of() : List.copyOf(columnGlobs);
        formats = formats == null ? Map.of() : Map.copyOf(formats);
        defaultFormat = defaultFormat == null ? MaskFormat.KEEP_SHAPE : defaultFormat;
        hashKey = hashKey == null ? new byte[0] : hashKey.clone();
    }

    public static MaskingPolicy parse(String config, byte[] hashKey) {
        Set<InfoType> types = EnumSet.noneOf(InfoType.class);
        List<String> columns = new ArrayList<>();
        Map<InfoType, MaskFormat> formats = new EnumMap<>(InfoType.class);
        MaskFormat def = null;
        for (String clause : (config == null ? "" : config).split(";")) {
            if (clause.isBlank()) {
                continue;
            }
            int eq = clause.indexOf('=');
            if (eq < 0) {
                throw new IllegalArgumentException("masking config: '" + clause + "' (expected key=value)");
            }
            String key = clause.substring(0, eq).trim();
            String value = clause.substring(eq + 1).trim();
            if (key.equals("types")) {
                for (String t : value.split(",")) {
                    if (!t.isBlank()) {
                        types.add(InfoType.valueOf(t.trim().toUpperCase(Locale.ROOT)));
                    }
                }
            } else if (key.equals("columns")) {
                for (String c : value.split(",")) {
                    if (!c.isBlank()) {
                        columns.add(c.trim());
                    }
                }
            } else if (key.equals("format")) {
                def = MaskFormat.valueOf(value.toUpperCase(Locale.ROOT));
            } else if (key.startsWith("format.")) {
                formats.put(InfoType.valueOf(key.substring(7).toUpperCase(Locale.ROOT)), MaskFormat.valueOf(value.toUpperCase(Locale.ROOT)));
            } else {
                throw new IllegalArgumentException("masking config: unknown key '" + key + "'");
            }
        }
        return new MaskingPolicy(types, columns, formats, def, hashKey);
    }
}
