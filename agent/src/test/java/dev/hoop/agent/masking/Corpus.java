package dev.hoop.agent.masking;

import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Random;

/**
 * A labelled corpus, generated from a seed: for each info type, values in varied real-world formats
 * (positives) and look-alikes that are not values of any type (near misses: order numbers,
 * timestamps, versions, failed check digits). Each sample says what the TOKEN-format output must be.
 */
final class Corpus {
    record Sample(InfoType type, boolean positive, String text, String expected) {
    }

    private final Random r;

    Corpus(long seed) {
        this.r = new Random(seed);
    }

    /** {@code perType} positives and as many negatives for each detector type. */
    List<Sample> samples(int perType) {
        List<Sample> out = new ArrayList<>();
        for (InfoType t : InfoType.values()) {
            if (t == InfoType.COLUMN) {
                continue;
            }
            for (int k = 0; k < perType; k++) {
                String v = positive(t);
                String[] ctx = context(t);
                out.add(new Sample(t, true, ctx[0] + v + ctx[1], ctx[0] + "[" + t + "]" + ctx[1]));
                boolean everyday = k % 3 == 2;
                String n = everyday ? everyday() : negative(t);
                String[] nctx = t == InfoType.DATE_OF_BIRTH || t == InfoType.US_PASSPORT || t == InfoType.URL || t == InfoType.STORAGE_SIGNED_URL
                        ? context(t) : neutral();
                out.add(new Sample(t, false, nctx[0] + n + nctx[1], nctx[0] + (everyday ? n : negativeExpected(t, n)) + nctx[1]));
            }
        }
        return out;
    }

    /** A near miss of one type may be a plain value of another (an unsigned URL is a URL). */
    private static String negativeExpected(InfoType t, String n) {
        return t == InfoType.STORAGE_SIGNED_URL ? "[URL]" : n;
    }

    private String[] neutral() {
        return pick2(new String[][] {{"", ""}, {"value: ", "."}, {"| ", " |"}, {"{\"v\":\"", "\"}"}, {"id=", "&x=1"}, {"see (", ") here\n"}, {"\t", "\t"}});
    }

    private String[] context(InfoType t) {
        return switch (t) {
            case DATE_OF_BIRTH -> pick2(new String[][] {{"DOB: ", ""}, {"date of birth ", "."}, {"born on ", " in Lyon"}, {"{\"birthdate\":\"", "\"}"}, {"dob=", "&x=1"}});
            case US_PASSPORT -> pick2(new String[][] {{"Passport: ", ""}, {"passport no. ", "."}, {"US passport #", " expires 2031"}, {"{\"passport\":\"", "\"}"}});
            case HTTP_COOKIE -> pick2(new String[][] {{"Cookie: ", "\r\nHost: x"}, {"Set-Cookie: ", "\n"}, {"cookie: ", ""}});
            case BEARER_TOKEN -> pick2(new String[][] {{"Authorization: Bearer ", "\n"}, {"-H 'Authorization: bearer ", "'"}, {"Bearer ", ""}});
            case PEM_PRIVATE_KEY -> pick2(new String[][] {{"", "\n"}, {"key file:\n", "\nend"}});
            case URL, STORAGE_SIGNED_URL -> pick2(new String[][] {{"", ""}, {"value: ", "."}, {"| ", " |"}, {"{\"v\":\"", "\"}"}, {"see (", ") here\n"}, {"<a href='", "'>"}});
            default -> neutral();
        };
    }

    String positive(InfoType t) {
        return switch (t) {
            case EMAIL_ADDRESS -> word(3, 8) + pick(new String[] {".", "_", "+", "-", ""}) + word(1, 6) + (r.nextBoolean() ? "" : digits(2))
                    + "@" + pick(new String[] {"", "mail.", "eu."}) + word(3, 10) + "." + pick(new String[] {"com", "org", "io", "co.uk", "de", "com.br", "info"});
            case PHONE_NUMBER -> phone();
            case CREDIT_CARD_NUMBER -> card();
            case IBAN_CODE -> iban(true);
            case IP_ADDRESS -> r.nextInt(3) == 0 ? ipv6() : ipv4();
            case US_SOCIAL_SECURITY_NUMBER -> (100 + r.nextInt(565)) + "-" + String.format("%02d", 1 + r.nextInt(99)) + "-" + String.format("%04d", 1 + r.nextInt(9999));
            case US_PASSPORT -> r.nextBoolean() ? digits(9) : (char) ('A' + r.nextInt(26)) + digits(8);
            case BRAZIL_CPF_NUMBER -> cpf(true);
            case URL -> url(false);
            case STORAGE_SIGNED_URL -> signedUrl();
            case HTTP_COOKIE -> word(2, 8) + "=" + alnum(8, 32) + (r.nextBoolean() ? "" : "; " + word(2, 6) + "=" + alnum(2, 10));
            case VEHICLE_IDENTIFICATION_NUMBER -> vin(true);
            case IMEI_HARDWARE_ID -> imei(true);
            case DATE_OF_BIRTH -> date();
            case AWS_ACCESS_KEY -> pick(new String[] {"AKIA", "ASIA", "AROA"}) + base32(16);
            case JSON_WEB_TOKEN -> jwt();
            case PEM_PRIVATE_KEY -> pem(pick(new String[] {"RSA PRIVATE KEY", "PRIVATE KEY", "EC PRIVATE KEY", "OPENSSH PRIVATE KEY", "ENCRYPTED PRIVATE KEY"}), 3 + r.nextInt(20));
            case BEARER_TOKEN -> alnum(20, 60) + (r.nextBoolean() ? "" : "-" + alnum(4, 10)) + (r.nextBoolean() ? "" : "==");
            case COLUMN -> throw new IllegalArgumentException("no detector");
        };
    }

    String negative(InfoType t) {
        return switch (t) {
            case EMAIL_ADDRESS -> pick(new String[] {word(3, 8) + "@localhost", "@" + word(3, 9), word(2, 6) + "@" + word(2, 6),
                    word(3, 6) + "@" + word(3, 6) + "..com", word(3, 6) + " at " + word(3, 6) + ".com", word(3, 6) + "@" + word(3, 6) + "." + digits(2)});
            case PHONE_NUMBER -> pick(new String[] {date(), time(), "ORD-" + digits(3) + "-" + digits(4), digits(3) + "-" + digits(3) + "-" + digits(3),
                    digits(5) + "-" + digits(4), "1,234," + digits(3), "0" + (1 + r.nextInt(9)) + digits(1) + "-" + digits(3) + "-" + digits(4), "#" + digits(10),
                    "+0" + digits(9), "+" + digits(3)});
            case CREDIT_CARD_NUMBER -> pick(new String[] {broken(card()), "9" + digits(15), digits(13), "1" + digits(15)});
            case IBAN_CODE -> pick(new String[] {broken(iban(false)), "XX" + digits(20), iban(false).substring(0, 10), "ISO" + digits(4)});
            case IP_ADDRESS -> pick(new String[] {(256 + r.nextInt(700)) + "." + r.nextInt(256) + "." + r.nextInt(256) + "." + r.nextInt(256),
                    r.nextInt(10) + "." + r.nextInt(10) + "." + r.nextInt(30), "1." + r.nextInt(10) + "." + r.nextInt(10) + "." + r.nextInt(10) + "." + r.nextInt(10),
                    time(), mac(), "v" + r.nextInt(10) + "." + r.nextInt(10) + "." + r.nextInt(10), "192.168.001.0" + (1 + r.nextInt(9))});
            case US_SOCIAL_SECURITY_NUMBER -> pick(new String[] {"000-" + digits(2) + "-" + digits(4), "666-" + digits(2) + "-" + digits(4),
                    (900 + r.nextInt(100)) + "-" + digits(2) + "-" + digits(4), (100 + r.nextInt(500)) + "-00-" + digits(4), digits(3) + "-" + digits(3) + "-" + digits(3), digits(9)});
            case US_PASSPORT -> pick(new String[] {digits(5), digits(12), "none", "AB" + digits(7)});
            case BRAZIL_CPF_NUMBER -> pick(new String[] {cpf(false), "111.111.111-11", digits(3) + "." + digits(3) + "." + digits(3)});
            case URL -> pick(new String[] {word(3, 8) + ".com/" + word(2, 5), "http//" + word(3, 8) + ".com", "htp://" + word(3, 8) + ".org", "/usr/" + word(2, 6) + "/bin",
                    "https:/" + word(3, 8)});
            case STORAGE_SIGNED_URL -> url(true);
            case HTTP_COOKIE -> pick(new String[] {"cookie policy", "cookies: " + word(2, 6), "Cookie jar", "the cookie:"});
            case VEHICLE_IDENTIFICATION_NUMBER -> pick(new String[] {broken(vin(true)), vin(false).substring(0, 16), vin(false).toLowerCase(), "IOQ" + vin(false).substring(3)});
            case IMEI_HARDWARE_ID -> pick(new String[] {broken(imei(false)), digits(14), "12" + luhnComplete(digits(12))});
            case DATE_OF_BIRTH -> pick(new String[] {"unknown", "n/a", time(), digits(2) + "-" + digits(2)});
            case AWS_ACCESS_KEY -> pick(new String[] {"AKIA" + base32(15), "AKIA" + "0189" + base32(12), "akia" + base32(16).toLowerCase(), "AKIB" + base32(16)});
            case JSON_WEB_TOKEN -> pick(new String[] {"eyJ" + alnum(3, 6), jwt().substring(0, 30).replace('.', '_'), "eyJhbGciOiJIUzI1NiJ9." + alnum(5, 9)});
            case PEM_PRIVATE_KEY -> pick(new String[] {pem("CERTIFICATE", 5), pem("PUBLIC KEY", 3), "-----BEGIN PRIVATE-----"});
            case BEARER_TOKEN -> pick(new String[] {"bearer of bad news", "Bearer " + alnum(4, 10), "bearer: " + word(3, 5)});
            case COLUMN -> throw new IllegalArgumentException("no detector");
        };
    }

    /**
     * Everyday values that are no info type (a third of each type's negatives): identifiers, numbers
     * of any length, timestamps, versions, amounts, hashes. Random numbers are where the check digits
     * earn their keep, and where the remaining false positives come from.
     */
    String everyday() {
        return switch (r.nextInt(12)) {
            case 0 -> java.util.UUID.nameUUIDFromBytes(digits(8).getBytes()).toString();
            case 1 -> hex(40, 40);
            case 2 -> String.format("2024-%02d-%02dT%02d:%02d:%02dZ", 1 + r.nextInt(12), 1 + r.nextInt(28), r.nextInt(24), r.nextInt(60), r.nextInt(60));
            case 3 -> "v" + r.nextInt(20) + "." + r.nextInt(30) + "." + r.nextInt(100) + (r.nextBoolean() ? "" : "-beta." + r.nextInt(9));
            case 4 -> r.nextInt(100_000) + "," + digits(3) + "." + digits(2);
            case 5 -> "ORD-" + (2000 + r.nextInt(30)) + "-" + digits(6);
            case 6, 7, 8 -> (1 + r.nextInt(9)) + digits(r.nextInt(20)); // any integer, up to 20 digits
            case 9 -> chars("ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789", 8, 20);
            case 10 -> (r.nextInt(180) - 90) + "." + digits(4) + "," + (r.nextInt(360) - 180) + "." + digits(4);
            default -> "/var/log/" + word(3, 8) + "-2024-" + String.format("%02d", 1 + r.nextInt(12)) + ".log";
        };
    }

    // --- value generators ---

    String phone() {
        return switch (r.nextInt(9)) {
            case 0 -> "+1 (" + nanp3() + ") " + nanp3() + "-" + digits(4);
            case 1 -> "+44 20 " + digits(4) + " " + digits(4);
            case 2 -> "+49 30 " + digits(6);
            case 3 -> "+33 " + (1 + r.nextInt(9)) + " " + digits(2) + " " + digits(2) + " " + digits(2) + " " + digits(2);
            case 4 -> "+55 11 9" + digits(4) + "-" + digits(4);
            case 5 -> "(" + nanp3() + ") " + nanp3() + "-" + digits(4);
            case 6 -> {
                String sep = pick(new String[] {"-", ".", " "});
                yield nanp3() + sep + nanp3() + sep + digits(4);
            }
            case 7 -> "+" + (1 + r.nextInt(9)) + digits(10);
            default -> "0044 20 " + digits(4) + " " + digits(4);
        };
    }

    private String nanp3() {
        return (2 + r.nextInt(8)) + digits(2);
    }

    String card() {
        String[] prefixes = {"4", "51", "55", "2221", "34", "37", "6011", "65", "3530"};
        String p = pick(prefixes);
        int len = p.equals("34") || p.equals("37") ? 15 : 16;
        String num = luhnComplete(p + digits(len - 1 - p.length()));
        return switch (r.nextInt(3)) {
            case 0 -> num;
            case 1 -> len == 15 ? num.substring(0, 4) + " " + num.substring(4, 10) + " " + num.substring(10) : group(num, 4, " ");
            default -> len == 15 ? num.substring(0, 4) + "-" + num.substring(4, 10) + "-" + num.substring(10) : group(num, 4, "-");
        };
    }

    String iban(boolean grouped) {
        String[][] countries = {{"DE", "18d"}, {"GB", "4a14d"}, {"FR", "23d"}, {"NL", "4a10d"}, {"ES", "20d"}, {"IT", "1a22d"}, {"BR", "23d1a1a"}, {"CH", "17d"}};
        String[] c = pick2(countries);
        String bban = bban(c[1]);
        String rearranged = bban + c[0] + "00";
        int check = 98 - mod97(rearranged);
        String iban = c[0] + String.format("%02d", check) + bban;
        return grouped && r.nextBoolean() ? group(iban, 4, " ") : iban;
    }

    private String bban(String spec) {
        StringBuilder sb = new StringBuilder();
        int n = 0;
        for (char ch : spec.toCharArray()) {
            if (Character.isDigit(ch)) {
                n = n * 10 + (ch - '0');
            } else {
                for (int k = 0; k < n; k++) {
                    sb.append(ch == 'd' ? (char) ('0' + r.nextInt(10)) : (char) ('A' + r.nextInt(26)));
                }
                n = 0;
            }
        }
        return sb.toString();
    }

    private static int mod97(String s) {
        int rem = 0;
        for (char ch : s.toCharArray()) {
            rem = Character.isDigit(ch) ? (rem * 10 + ch - '0') % 97 : (rem * 100 + ch - 'A' + 10) % 97;
        }
        return rem;
    }

    String ipv4() {
        return (1 + r.nextInt(254)) + "." + r.nextInt(256) + "." + r.nextInt(256) + "." + (1 + r.nextInt(254));
    }

    String ipv6() {
        return switch (r.nextInt(5)) {
            case 0 -> "2001:db8:" + hex(1, 4) + ":" + hex(1, 4) + ":" + hex(1, 4) + ":" + hex(1, 4) + ":" + hex(1, 4) + ":" + hex(1, 4);
            case 1 -> "2001:db8::" + hex(1, 4);
            case 2 -> "fe80::" + hex(1, 4) + ":" + hex(1, 4) + ":" + hex(1, 4) + ":" + hex(1, 4);
            case 3 -> "::ffff:" + ipv4();
            default -> "::1";
        };
    }

    private String mac() {
        return hex(2, 2) + ":" + hex(2, 2) + ":" + hex(2, 2) + ":" + hex(2, 2) + ":" + hex(2, 2) + ":" + hex(2, 2);
    }

    String cpf(boolean valid) {
        int[] d = new int[11];
        for (int k = 0; k < 9; k++) {
            d[k] = r.nextInt(10);
        }
        d[1] = (d[0] + 1) % 10; // never all the same digit
        d[9] = cpfDigit(d, 9);
        d[10] = cpfDigit(d, 10);
        if (!valid) {
            d[10] = (d[10] + 1 + r.nextInt(8)) % 10;
        }
        StringBuilder s = new StringBuilder();
        for (int v : d) {
            s.append(v);
        }
        String plain = s.toString();
        return r.nextBoolean() ? plain : plain.substring(0, 3) + "." + plain.substring(3, 6) + "." + plain.substring(6, 9) + "-" + plain.substring(9);
    }

    private static int cpfDigit(int[] d, int count) {
        int sum = 0;
        for (int k = 0; k < count; k++) {
            sum += d[k] * (count + 1 - k);
        }
        int rem = sum * 10 % 11;
        return rem == 10 ? 0 : rem;
    }

    String url(boolean queryWithoutSignature) {
        String host = pick(new String[] {"", "www.", "api."}) + word(3, 10) + "." + pick(new String[] {"com", "org", "net", "io"});
        String port = r.nextInt(4) == 0 ? ":" + (1024 + r.nextInt(6000)) : "";
        String path = r.nextBoolean() ? "" : "/" + word(2, 8) + (r.nextBoolean() ? "" : "/" + word(2, 8) + ".html");
        String query = queryWithoutSignature || r.nextBoolean() ? "?page=" + r.nextInt(20) + "&q=" + word(2, 6) : "";
        return pick(new String[] {"https://", "http://", "ftp://", "HTTPS://"}) + host + port + (path.isEmpty() && !query.isEmpty() ? "/" : path) + query;
    }

    String signedUrl() {
        String key = word(3, 8) + "/" + word(3, 8) + ".pdf";
        return switch (r.nextInt(4)) {
            case 0 -> "https://" + word(3, 8) + ".s3.amazonaws.com/" + key + "?X-Amz-Algorithm=AWS4-HMAC-SHA256&X-Amz-Credential=AKIA" + base32(16)
                    + "%2F20240115%2Fus-east-1%2Fs3%2Faws4_request&X-Amz-Date=20240115T000000Z&X-Amz-Expires=3600&X-Amz-SignedHeaders=host&X-Amz-Signature=" + hex(64, 64);
            case 1 -> "https://storage.googleapis.com/" + word(3, 8) + "/" + key + "?X-Goog-Algorithm=GOOG4-RSA-SHA256&X-Goog-Expires=900&X-Goog-Signature=" + hex(64, 64);
            case 2 -> "https://" + word(3, 8) + ".blob.core.windows.net/" + key + "?sv=2022-11-02&se=2024-01-15T00%3A00%3A00Z&sr=b&sp=r&sig=" + alnum(30, 44) + "%3D";
            default -> "https://" + word(4, 8) + ".cloudfront.net/" + key + "?Expires=1705276800&Signature=" + alnum(40, 80) + "&Key-Pair-Id=K" + base32(12);
        };
    }

    String vin(boolean valid) {
        String chars = "ABCDEFGHJKLMNPRSTUVWXYZ0123456789";
        char[] v = new char[17];
        for (int k = 0; k < 17; k++) {
            v[k] = chars.charAt(r.nextInt(chars.length()));
        }
        v[0] = "1245JKLSWYZ".charAt(r.nextInt(11));
        v[12] = (char) ('0' + r.nextInt(10));
        v[8] = '0';
        int sum = 0;
        int[] w = {8, 7, 6, 5, 4, 3, 2, 10, 0, 9, 8, 7, 6, 5, 4, 3, 2};
        String values = "12345678.12345.7.923456789";
        for (int k = 0; k < 17; k++) {
            int val = Character.isDigit(v[k]) ? v[k] - '0' : values.charAt(v[k] - 'A') - '0';
            sum += val * w[k];
        }
        int check = sum % 11;
        char c = check == 10 ? 'X' : (char) ('0' + check);
        v[8] = valid ? c : (c == '3' ? '4' : '3');
        return new String(v);
    }

    String imei(boolean grouped) {
        String num = luhnComplete(pick(new String[] {"35", "86", "01", "99", "49"}) + digits(12));
        if (!grouped || r.nextBoolean()) {
            return num;
        }
        return num.substring(0, 2) + "-" + num.substring(2, 8) + "-" + num.substring(8, 14) + "-" + num.substring(14);
    }

    String date() {
        int y = 1930 + r.nextInt(80);
        int m = 1 + r.nextInt(12);
        int d = 1 + r.nextInt(28);
        return switch (r.nextInt(4)) {
            case 0 -> String.format("%04d-%02d-%02d", y, m, d);
            case 1 -> String.format("%02d/%02d/%04d", m, d, y);
            case 2 -> String.format("%02d.%02d.%04d", d, m, y);
            default -> String.format("%d/%d/%04d", d, m, y);
        };
    }

    private String time() {
        return String.format("%02d:%02d:%02d", r.nextInt(24), r.nextInt(60), r.nextInt(60));
    }

    String jwt() {
        Base64.Encoder b = Base64.getUrlEncoder().withoutPadding();
        String header = b.encodeToString(("{\"alg\":\"" + pick(new String[] {"HS256", "RS256", "ES256"}) + "\",\"typ\":\"JWT\"}").getBytes());
        String payload = b.encodeToString(("{\"sub\":\"" + word(3, 10) + "\",\"iat\":" + (1_600_000_000 + r.nextInt(100_000_000)) + "}").getBytes());
        byte[] sig = new byte[32 + r.nextInt(32)];
        r.nextBytes(sig);
        return header + "." + payload + "." + b.encodeToString(sig);
    }

    String pem(String label, int lines) {
        StringBuilder sb = new StringBuilder("-----BEGIN " + label + "-----\n");
        for (int k = 0; k < lines; k++) {
            byte[] bytes = new byte[48];
            r.nextBytes(bytes);
            sb.append(Base64.getEncoder().encodeToString(bytes)).append('\n');
        }
        return sb.append("-----END ").append(label).append("-----").toString();
    }

    // --- helpers ---

    static String luhnComplete(String body) {
        for (int d = 0; d < 10; d++) {
            String cand = body + d;
            if (luhn(cand)) {
                return cand;
            }
        }
        throw new AssertionError();
    }

    static boolean luhn(String s) {
        int sum = 0;
        boolean dbl = false;
        for (int k = s.length() - 1; k >= 0; k--) {
            int v = s.charAt(k) - '0';
            if (dbl) {
                v = v * 2 > 9 ? v * 2 - 9 : v * 2;
            }
            sum += v;
            dbl = !dbl;
        }
        return sum % 10 == 0;
    }

    /** The same value with its last digit changed: a failed check digit. */
    private String broken(String v) {
        for (int k = v.length() - 1; k >= 0; k--) {
            char c = v.charAt(k);
            if (Character.isDigit(c)) {
                char d = (char) ('0' + (c - '0' + 1 + r.nextInt(8)) % 10);
                return v.substring(0, k) + d + v.substring(k + 1);
            }
        }
        return v;
    }

    private static String group(String s, int n, String sep) {
        StringBuilder sb = new StringBuilder();
        for (int k = 0; k < s.length(); k += n) {
            if (k > 0) {
                sb.append(sep);
            }
            sb.append(s, k, Math.min(s.length(), k + n));
        }
        return sb.toString();
    }

    String digits(int n) {
        StringBuilder sb = new StringBuilder();
        for (int k = 0; k < n; k++) {
            sb.append((char) ('0' + r.nextInt(10)));
        }
        return sb.toString();
    }

    String word(int min, int max) {
        return chars("abcdefghijklmnopqrstuvwxyz", min, max);
    }

    String alnum(int min, int max) {
        return chars("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789", min, max);
    }

    private String base32(int n) {
        return chars("ABCDEFGHIJKLMNOPQRSTUVWXYZ234567", n, n);
    }

    private String hex(int min, int max) {
        return chars("0123456789abcdef", min, max);
    }

    private String chars(String alphabet, int min, int max) {
        int n = min + r.nextInt(max - min + 1);
        StringBuilder sb = new StringBuilder(n);
        for (int k = 0; k < n; k++) {
            sb.append(alphabet.charAt(r.nextInt(alphabet.length())));
        }
        return sb.toString();
    }

    @SafeVarargs
    private <T> T pick(T... options) {
        return options[r.nextInt(options.length)];
    }

    String[] pick2(String[][] options) {
        return options[r.nextInt(options.length)];
    }
}
