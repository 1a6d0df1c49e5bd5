package dev.hoop.agent.masking;

import java.util.Base64;
import java.util.Random;

/**
 * Values of each info type in varied real-world formats, drawn from a seeded {@link Random}: valid
 * ones (check digits computed) and broken ones (a failed check digit), plus the random digits,
 * words and picks they are made of. {@link Corpus} assembles them into labelled samples.
 */
final class ValueFormats {
    private final Random r;

    ValueFormats(Random r) {
        this.r = r;
    }

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

    String mac() {
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

    String time() {
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
    String broken(String v) {
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

    String base32(int n) {
        return chars("ABCDEFGHIJKLMNOPQRSTUVWXYZ234567", n, n);
    }

    String hex(int min, int max) {
        return chars("0123456789abcdef", min, max);
    }

    String chars(String alphabet, int min, int max) {
        int n = min + r.nextInt(max - min + 1);
        StringBuilder sb = new StringBuilder(n);
        for (int k = 0; k < n; k++) {
            sb.append(alphabet.charAt(r.nextInt(alphabet.length())));
        }
        return sb.toString();
    }

    @SafeVarargs
    final <T> T pick(T... options) {
        return options[r.nextInt(options.length)];
    }

    String[] pick2(String[][] options) {
        return options[r.nextInt(options.length)];
    }
}
