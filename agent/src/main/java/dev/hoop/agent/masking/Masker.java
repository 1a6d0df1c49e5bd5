package dev.hoop.agent.masking;

import java.nio.charset.StandardCharsets;
import java.util.EnumMap;
import java.util.HexFormat;
import java.util.Locale;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/** STAND-IN (masking-wire): e-mail addresses and column rules only; replaced by the engine's file at merge. */
public final class Masker {
    private static final Pattern EMAIL = Pattern.compile("[A-Za-z0-9._%+-]+@[A-Za-z0-9.-]+\\.[A-Za-z]{2,}");
    private final MaskingPolicy policy;
    private final Map<InfoType, Long> counts = new EnumMap<>(InfoType.class);

    public Masker(MaskingPolicy policy) {
        this.policy = policy;
    }

    public String maskValue(String columnName, String value) {
        if (value == null) {
            return null;
        }
        if (columnName != null) {
            String c = columnName.toLowerCase(Locale.ROOT);
            for (String glob : policy.columnGlobs()) {
                if (c.matches(glob.toLowerCase(Locale.ROOT).replace(".", "\\.").replace("*", ".*").replace("?", "."))) {
                    count(InfoType.COLUMN);
                    return render(InfoType.COLUMN, value);
                }
            }
        }
        return maskText(value);
    }

    public String maskText(String text) {
        if (text == null || !policy.infoTypes().contains(InfoType.EMAIL_ADDRESS) || text.indexOf('@') < 0) {
            return text;
        }
        // Linear: expand around each '@' (a regex scan from every position is quadratic on long values).
        StringBuilder sb = null;
        int last = 0;
        int at = text.indexOf('@');
        while (at >= 0) {
            int from = at;
            while (from > last && local(text.charAt(from - 1))) {
                from--;
            }
            int to = at + 1;
            while (to < text.length() && domain(text.charAt(to))) {
                to++;
            }
            while (to > at + 1 && text.charAt(to - 1) == '.') {
                to--;
            }
            String candidate = text.substring(from, to);
            if (from < at && EMAIL.matcher(candidate).matches()) {
                if (sb == null) {
                    sb = new StringBuilder(text.length());
                }
                sb.append(text, last, from).append(render(InfoType.EMAIL_ADDRESS, candidate));
                count(InfoType.EMAIL_ADDRESS);
                last = to;
            }
            at = text.indexOf('@', Math.max(at + 1, last));
        }
        return sb == null ? text : sb.append(text, last, text.length()).toString();
    }

    private static boolean local(char c) {
        return c < 128 && (Character.isLetterOrDigit(c) || "._%+-".indexOf(c) >= 0);
    }

    private static boolean domain(char c) {
        return c < 128 && (Character.isLetterOrDigit(c) || c == '.' || c == '-');
    }

    public StreamMasker stream() {
        return new StreamMasker() {
            private final StringBuilder pending = new StringBuilder();

            @Override
            public String push(CharSequence chunk) {
                pending.append(chunk);
                int cut = 0; // up to the last whitespace: an address never spans one
                for (int i = pending.length() - 1; i >= 0; i--) {
                    if (Character.isWhitespace(pending.charAt(i))) {
                        cut = i + 1;
                        break;
                    }
                }
                if (cut == 0 && pending.length() > 4096) {
                    cut = pending.length() - 256;
                }
                String ready = pending.substring(0, cut);
                pending.delete(0, cut);
                return maskText(ready);
            }

            @Override
            public String finish() {
                String rest = pending.toString();
                pending.setLength(0);
                return maskText(rest);
            }
        };
    }

    public synchronized Map<InfoType, Long> counts() {
        return Map.copyOf(counts);
    }

    private synchronized void count(InfoType t) {
        counts.merge(t, 1L, Long::sum);
    }

    private String render(InfoType type, String value) {
        MaskFormat f = policy.formats().getOrDefault(type, policy.defaultFormat());
        return switch (f) {
            case TOKEN -> "[" + type + "]";
            case HASH -> {
                try {
                    Mac mac = Mac.getInstance("HmacSHA256");
                    mac.init(new SecretKeySpec(policy.hashKey().length == 0 ? new byte[1] : policy.hashKey(), "HmacSHA256"));
                    yield "[" + type + ":" + HexFormat.of().formatHex(mac.doFinal(value.getBytes(StandardCharsets.UTF_8)), 0, 8) + "]";
                } catch (java.security.GeneralSecurityException e) {
                    throw new IllegalStateException(e);
                }
            }
            case KEEP_SHAPE -> {
                StringBuilder sb = new StringBuilder(value.length());
                for (int i = 0; i < value.length(); i++) {
                    char ch = value.charAt(i);
                    sb.append(i == 0 || ch == '@' || ch == '.' ? ch : '*');
                }
                yield sb.toString();
            }
        };
    }
}
