package dev.hoop.agent.masking;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.Test;

/**
 * The scan's cheap decisions ({@link Prefilter}) must be necessary conditions only: they may skip
 * work, never a value. The reference is the stream, which scans every chunk without the whole-text
 * filter, and the detectors' own positives.
 */
class PrefilterTest {
    private static final String ALL = "types=ALL;format=TOKEN";

    @Test
    void aTextTheFilterPassesHoldsNothingTheScanWouldFind() {
        // Letters, blanks, punctuation and non-ASCII letters, but none of 0-9 @ : . - : the filter
        // lets most of these through without a scan, and then the stream (no filter) must find nothing too.
        String alphabet = "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ \t\n\r,;!?'\"()[]{}<>/+_~=*&%$#éßç中";
        Random r = new Random(15);
        int skipped = 0;
        for (int n = 0; n < 3_000; n++) {
            StringBuilder sb = new StringBuilder();
            int len = 1 + r.nextInt(120);
            for (int k = 0; k < len; k++) {
                sb.append(alphabet.charAt(r.nextInt(alphabet.length())));
            }
            String s = sb.toString();
            if (!Prefilter.mayHoldAny(s)) {
                skipped++;
                Masker m = new Masker(MaskingPolicy.parse(ALL, null));
                StreamMasker stream = m.stream();
                assertEquals(s, stream.push(s) + stream.finish(), s);
                assertEquals(Map.of(), m.counts(), s);
            }
        }
        assertTrue(skipped > 500, "the generator should give many texts the filter lets through: " + skipped);
    }

    @Test
    void valuesWithoutDigitsOrSignsAreStillSeen() {
        // The two types that need none of 0-9 @ : . - : a bearer token and an AWS key id of letters only.
        Masker m = new Masker(MaskingPolicy.parse(ALL, null));
        for (String s : List.of("Authorization: Bearer abcdefghijklmnopqrstuvwxyz", "Bearer abcdefghijklmnop", "key AKIAABCDEFGHIJKLMNOP here",
                "Bearer abc+def/ghi_jkl~mn==")) {
            assertTrue(Prefilter.mayHoldAny(s), s);
            assertNotEquals(s, m.maskText(s), s);
        }
        assertFalse(Prefilter.mayHoldAny("Bearer abcdefghijklmno"), "15 token characters cannot be a bearer token");
        String plain = "Alice Martin";
        assertSame(plain, m.maskValue("name", plain));
    }

    @Test
    void theWordFilterKeepsTheTypeOfEveryPositive() {
        // Each positive of the corpus that starts at a word: the type's bit survives byWord.
        for (Corpus.Sample sample : new Corpus(1503).samples(300)) {
            if (!sample.positive() || sample.type() == InfoType.HTTP_COOKIE || sample.type() == InfoType.BEARER_TOKEN) {
                continue; // those two start at their header word, not at the value
            }
            String marker = "[" + sample.type() + "]";
            int i = sample.expected().indexOf(marker);
            String s = sample.text();
            char c = s.charAt(i);
            if (c >= 128 || !Text.wordChar(c) || Text.wordChar(i > 0 ? s.charAt(i - 1) : -1)) {
                continue;
            }
            long bit = sample.type().bit();
            long possible = Prefilter.start(c);
            if ((possible & bit) == 0) {
                continue; // found by another route (e-mail, IPv6, the number types)
            }
            int end = Prefilter.wordEnd(s, i + 1, s.length());
            assertEquals(bit, Prefilter.byWord(s, i, end, s.length(), c, possible) & bit, sample.type() + " in " + s);
        }
    }

    @Test
    void theWordFilterDropsWhatCannotStartThere() {
        String s = "GET https://x.example/a Host cookie: a=b set-cookie: c=d bearer tok AKIAABCDEFGHIJKLMNOP";
        assertEquals(0, keep(s, "GET") & (InfoType.IBAN_CODE.bit() | InfoType.US_PASSPORT.bit() | InfoType.VEHICLE_IDENTIFICATION_NUMBER.bit()));
        assertTrue((keep(s, "https") & InfoType.URL.bit()) != 0);
        assertEquals(0, keep(s, "Host") & InfoType.URL.bit());
        assertTrue((keep(s, "cookie") & InfoType.HTTP_COOKIE.bit()) != 0);
        assertTrue((keep(s, "set") & InfoType.HTTP_COOKIE.bit()) != 0);
        assertTrue((keep(s, "bearer") & InfoType.BEARER_TOKEN.bit()) != 0);
        assertTrue((keep(s, "AKIA") & InfoType.AWS_ACCESS_KEY.bit()) != 0);
    }

    private static long keep(String s, String word) {
        int i = s.indexOf(word);
        char c = s.charAt(i);
        return Prefilter.byWord(s, i, Prefilter.wordEnd(s, i + 1, s.length()), s.length(), c, Prefilter.start(c));
    }
}
