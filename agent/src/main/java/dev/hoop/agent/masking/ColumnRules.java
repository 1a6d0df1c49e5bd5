package dev.hoop.agent.masking;

import java.util.List;
import java.util.Locale;
import java.util.concurrent.ConcurrentHashMap;

/**
 * What a column's name means for its values: a column rule (glob, case-insensitive) masks the whole
 * value; a name that labels a birth date or a passport number lets those detectors count. Cached
 * per name (a result repeats its columns on every row), up to {@link #CACHE_LIMIT} names.
 */
final class ColumnRules {
    enum Kind { PLAIN, RULE, BIRTH_DATE, PASSPORT }

    static final int CACHE_LIMIT = 4096;
    private final List<String> globs;
    private final ConcurrentHashMap<String, Kind> cache = new ConcurrentHashMap<>();

    ColumnRules(List<String> globs) {
        this.globs = globs.stream().map(g -> g.toLowerCase(Locale.ROOT)).toList();
    }

    Kind kind(String column) {
        if (column == null) {
            return Kind.PLAIN;
        }
        Kind k = cache.get(column);
        if (k == null) {
            k = compute(column);
            if (cache.size() < CACHE_LIMIT) {
                cache.put(column, k);
            }
        }
        return k;
    }

    private Kind compute(String column) {
        String name = column.toLowerCase(Locale.ROOT);
        for (String g : globs) {
            if (glob(g, name)) {
                return Kind.RULE;
            }
        }
        if (name.contains("birth") || name.contains("nascimento") || name.contains("nacimiento") || name.contains("geburt")) {
            return Kind.BIRTH_DATE;
        }
        for (String part : name.split("[^a-z0-9]+")) {
            if (part.equals("dob")) {
                return Kind.BIRTH_DATE;
            }
        }
        return name.contains("passport") || name.contains("passaporte") ? Kind.PASSPORT : Kind.PLAIN;
    }

    /** '*' any run, '?' one character; linear in practice (the last '*' is the only backtrack point). */
    static boolean glob(String pattern, String name) {
        int p = 0;
        int n = 0;
        int star = -1;
        int mark = 0;
        while (n < name.length()) {
            if (p < pattern.length() && (pattern.charAt(p) == '?' || pattern.charAt(p) == name.charAt(n))) {
                p++;
                n++;
            } else if (p < pattern.length() && pattern.charAt(p) == '*') {
                star = p++;
                mark = n;
            } else if (star >= 0) {
                p = star + 1;
                n = ++mark;
            } else {
                return false;
            }
        }
        while (p < pattern.length() && pattern.charAt(p) == '*') {
            p++;
        }
        return p == pattern.length();
    }
}
