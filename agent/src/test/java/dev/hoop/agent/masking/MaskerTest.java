package dev.hoop.agent.masking;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.function.Supplier;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.MethodSource;

class MaskerTest {
    private static final byte[] KEY = "0123456789abcdef".getBytes(StandardCharsets.UTF_8);
    private final Masker masker = new Masker(MaskingPolicy.parse("types=ALL;columns=secret_*,pass?ord", null));

    @Test
    void nullAndUnchangedValuesComeBackAsTheyWere() {
        assertNull(masker.maskValue("email", null));
        assertNull(masker.maskText(null));
        String v = "plain text 42";
        assertSame(v, masker.maskValue("note", v));
        assertSame(v, masker.maskValue(null, v));
        assertSame(v, masker.maskText(v));
        assertEquals(Map.of(), masker.counts());
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', textBlock = """
            secret_token  | abc                 | [COLUMN]
            SECRET_X      | 1                   | [COLUMN]
            password      | hunter2             | [COLUMN]
            passWORD      | hunter2             | [COLUMN]
            passwords     | hunter2             | hunter2
            birth_date    | 1985-03-12          | [DATE_OF_BIRTH]
            DateOfBirth   | 12 March 1985       | [DATE_OF_BIRTH]
            dob           | 1985-03-12 00:00:00 | [DATE_OF_BIRTH]
            user_dob      | 3/12/85             | [DATE_OF_BIRTH]
            dob           | unknown             | unknown
            adobe_id      | 1985-03-12          | 1985-03-12
            created_at    | 1985-03-12          | 1985-03-12
            passport_no   | 123456789           | [US_PASSPORT]
            passport_no   | A12345678           | [US_PASSPORT]
            order_no      | 123456789           | 123456789
            note          | mail a@example.com  | mail [EMAIL_ADDRESS]
            """)
    void columnsDecideWhatAValueMeans(String column, String value, String expected) {
        assertEquals(expected, masker.maskValue(column, value));
    }

    @Test
    void aColumnRuleNeedsNoDetector() {
        Masker m = new Masker(MaskingPolicy.parse("columns=*", null));
        assertEquals("[COLUMN]", m.maskValue("anything", "x"));
        assertEquals(Map.of(InfoType.COLUMN, 1L), m.counts());
        assertSame("a@example.com", m.maskText("a@example.com"), "free text has no column");
    }

    @Test
    void countsAreExactUnderConcurrency() throws Exception {
        Masker m = new Masker(MaskingPolicy.parse("types=EMAIL_ADDRESS,IP_ADDRESS;columns=ssn;format=HASH", KEY));
        int threads = 8;
        int rounds = 5_000;
        ExecutorService pool = Executors.newFixedThreadPool(threads);
        try {
            List<Future<String>> results = new ArrayList<>();
            for (int t = 0; t < threads; t++) {
                results.add(pool.submit(() -> {
                    String last = null;
                    for (int k = 0; k < rounds; k++) {
                        last = m.maskValue("note", "a@example.com from 10.0.0.1") + m.maskValue("ssn", "123-45-6789");
                    }
                    return last;
                }));
            }
            String first = results.get(0).get();
            for (Future<String> f : results) {
                assertEquals(first, f.get(), "the keyed hash is the same on every thread");
            }
        } finally {
            pool.shutdownNow();
        }
        long n = (long) threads * rounds;
        assertEquals(Map.of(InfoType.EMAIL_ADDRESS, n, InfoType.IP_ADDRESS, n, InfoType.COLUMN, n), m.counts());
    }

    @Test
    void countsAreASnapshot() {
        Masker m = new Masker(MaskingPolicy.parse("types=EMAIL_ADDRESS", null));
        m.maskText("a@example.com");
        Map<InfoType, Long> snap = m.counts();
        m.maskText("b@example.com");
        assertEquals(1L, snap.get(InfoType.EMAIL_ADDRESS));
        assertEquals(2L, m.counts().get(InfoType.EMAIL_ADDRESS));
        assertThrows(UnsupportedOperationException.class, () -> snap.put(InfoType.URL, 1L)).getClass();
    }

    /** Values longer than a detector reads at once are masked to their end, never with a clear tail. */
    @ParameterizedTest
    @CsvSource(delimiter = '|', textBlock = """
            https://example.com/  | 9000 | ' end'   | [URL] end
            'Cookie: a='          | 9000 | '\\nnext' | Cookie: [HTTP_COOKIE]\\nnext
            'Bearer '             | 9000 | ' end'   | Bearer [BEARER_TOKEN] end
            """)
    void longValuesAreMaskedToTheirEnd(String head, int n, String tail, String expected) {
        String text = head + "x".repeat(n) + tail.replace("\\n", "\n");
        assertEquals(expected.replace("\\n", "\n"), masker.maskText(text));
    }

    @Test
    void aKeyLongerThanTheLookAheadIsMaskedWhole() {
        String key = new Corpus(7).pem("RSA PRIVATE KEY", 300); // ~20 KB
        assertTrue(key.length() > 4 * Masker.MAX_WITHHELD);
        assertEquals("before\n[PEM_PRIVATE_KEY]\nafter 10.0.0.1".replace("10.0.0.1", "[IP_ADDRESS]"),
                masker.maskText("before\n" + key + "\nafter 10.0.0.1"));
        assertEquals(Map.of(InfoType.PEM_PRIVATE_KEY, 1L, InfoType.IP_ADDRESS, 1L), masker.counts());
        Masker shape = new Masker(MaskingPolicy.parse("types=PEM_PRIVATE_KEY;format=KEEP_SHAPE", null));
        String out = shape.maskText(key);
        assertEquals(key.length(), out.length());
        assertTrue(out.startsWith("-----BEGIN RSA PRIVATE KEY-----\n****") && out.endsWith("\n-----END RSA PRIVATE KEY-----"), out);
        assertFalse(out.substring(40, out.length() - 40).matches("(?s).*[A-Za-z0-9].*"), "no key character left");
    }

    static List<Supplier<String>> adversarial() {
        int mb = 1 << 20;
        return List.of(
                () -> "a@".repeat(mb / 2),
                () -> "a.".repeat(mb / 2) + "@",
                () -> ("x".repeat(60) + "@").repeat(mb / 61),
                () -> "1 ".repeat(mb / 2),
                () -> "1-".repeat(mb / 2),
                () -> "9".repeat(mb),
                () -> "+1 (".repeat(mb / 4),
                () -> "1.".repeat(mb / 2),
                () -> ":".repeat(mb),
                () -> "a:".repeat(mb / 2),
                () -> "-----BEGIN ".repeat(mb / 11),
                () -> "-----BEGIN RSA PRIVATE KEY-----\n" + "A".repeat(mb),
                () -> "https://" + "a".repeat(mb),
                () -> "https://a ".repeat(mb / 10),
                () -> "eyJ".repeat(mb / 3),
                () -> "eyJ" + "a".repeat(mb),
                () -> "Cookie: ".repeat(mb / 8),
                () -> "Bearer ".repeat(mb / 7),
                () -> "DE89".repeat(mb / 4),
                () -> "AKIA".repeat(mb / 4),
                () -> "A".repeat(mb),
                () -> "dob ".repeat(mb / 8) + "1985-03-12 ".repeat(mb / 16),
                () -> "passport ".repeat(mb / 9),
                () -> "\u00e9\u4e2d".repeat(mb / 2));
    }

    /** Inputs built to make a backtracking matcher explode: 1 MB each, bounded time (generous, not a benchmark). */
    @ParameterizedTest
    @MethodSource("adversarial")
    void adversarialInputsTakeBoundedTime(Supplier<String> input) {
        String text = input.get();
        assertTimeoutPreemptively(Duration.ofSeconds(20), () -> {
            String one = masker.maskText(text);
            StreamMasker s = masker.stream();
            StringBuilder streamed = new StringBuilder();
            for (int k = 0; k < text.length(); k += 8192) {
                streamed.append(s.push(text.substring(k, Math.min(text.length(), k + 8192))));
            }
            streamed.append(s.finish());
            assertEquals(one, streamed.toString());
        });
    }
}
