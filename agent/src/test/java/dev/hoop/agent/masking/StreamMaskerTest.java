package dev.hoop.agent.masking;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** A stream gives exactly the one-piece result, whatever the chunking, and withholds a bounded tail. */
class StreamMaskerTest {
    private static final byte[] KEY = "0123456789abcdef".getBytes(StandardCharsets.UTF_8);

    /** Property: random texts with planted values of every type, random chunkings; the same output and counts. */
    @ParameterizedTest
    @ValueSource(strings = {"format=TOKEN", "format=KEEP_SHAPE", "format=HASH;format.URL=KEEP_SHAPE"})
    void streamedEqualsOnePiece(String formats) {
        String config = "types=ALL;" + formats;
        Random r = new Random(formats.hashCode());
        for (int round = 0; round < 150; round++) {
            String text = plantedText(r, round);
            Masker whole = new Masker(MaskingPolicy.parse(config, KEY));
            String expected = whole.maskText(text);
            Masker streaming = new Masker(MaskingPolicy.parse(config, KEY));
            String streamed = streamInChunks(streaming, text, r, round % 3 == 0 ? 1 : round % 3 == 1 ? 7 : 3000);
            assertEquals(expected, streamed, "round " + round + " of " + formats);
            assertEquals(whole.counts(), streaming.counts(), "round " + round);
        }
    }

    /** Property on noise: random strings over the characters the detectors care about, random chunkings. */
    @Test
    void streamedEqualsOnePieceOnNoise() {
        String[] atoms = {"a", "Z", "e", "eyJ", "1", "4", "0", ".", "-", "-----", "BEGIN ", "END ", "PRIVATE KEY", ":", "::", "@", "+", "(", ")", " ", "\n",
            "\r\n", "\t", "/", "https://", "Cookie:", "Bearer ", "=", ";", "DE89", "AKIA", "dob ", "passport ", "é", "\uD83D\uDE00", "%", "?", "&sig=", "sv="};
        Random r = new Random(77);
        Masker one = new Masker(MaskingPolicy.parse("types=ALL;format=KEEP_SHAPE", null));
        for (int round = 0; round < 400; round++) {
            StringBuilder sb = new StringBuilder();
            int n = r.nextInt(400);
            for (int k = 0; k < n; k++) {
                sb.append(atoms[r.nextInt(atoms.length)]);
            }
            String text = sb.toString();
            assertEquals(one.maskText(text), streamInChunks(one, text, r, 1 + r.nextInt(40)), "round " + round + ": " + text);
        }
    }

    /** Every cut of one text that holds a value of each type, split in two. */
    @Test
    void everySplitPointOfEveryType() {
        Corpus c = new Corpus(99);
        StringBuilder sb = new StringBuilder("DOB: ");
        sb.append(c.date()).append(" passport ").append(c.positive(InfoType.US_PASSPORT)).append('\n');
        for (InfoType t : InfoType.values()) {
            if (t != InfoType.COLUMN && t != InfoType.DATE_OF_BIRTH && t != InfoType.US_PASSPORT) {
                String prefix = switch (t) {
                    case HTTP_COOKIE -> "Cookie: ";
                    case BEARER_TOKEN -> "Authorization: Bearer ";
                    default -> "v=";
                };
                sb.append(prefix).append(c.positive(t)).append(" ;\n");
            }
        }
        String text = sb.toString();
        Masker m = new Masker(MaskingPolicy.parse("types=ALL", null));
        String expected = m.maskText(text);
        assertEquals(InfoType.values().length - 1, m.counts().size(), "every type found: " + m.counts());
        for (int cut = 0; cut <= text.length(); cut++) {
            StreamMasker s = m.stream();
            String out = s.push(text.substring(0, cut)) + s.push(text.substring(cut)) + s.finish();
            assertEquals(expected, out, "cut at " + cut);
        }
    }

    @Test
    void aValueSplitAcrossChunksIsMasked() {
        Masker m = new Masker(MaskingPolicy.parse("types=EMAIL_ADDRESS,CREDIT_CARD_NUMBER", null));
        StreamMasker s = m.stream();
        String out = s.push("mail john@exa") + s.push("mple.com, card 4111 1111 ") + s.push("1111 1111\n") + s.finish();
        assertEquals("mail [EMAIL_ADDRESS], card [CREDIT_CARD_NUMBER]\n", out);
    }

    @Test
    void plainOutputIsNotHeldBack() {
        Masker m = new Masker(MaskingPolicy.parse("types=ALL", null));
        StreamMasker s = m.stream();
        assertEquals("total 48\r\n", s.push("total 48\r\n"));
        assertEquals("drwxr-xr-x 2 root root 4096 Dec  3 07:12 .ci\r\n", s.push("drwxr-xr-x 2 root root 4096 Dec  3 07:12 .ci\r\n"));
        assertEquals("$ ", s.push("$ "));
    }

    @Test
    void theWithheldTailIsBounded() {
        Masker m = new Masker(MaskingPolicy.parse("types=ALL", null));
        Random r = new Random(5);
        List<String> texts = new ArrayList<>(List.of("https://example.com/" + "a".repeat(50_000), "Cookie: a=" + "b".repeat(50_000),
                "Bearer " + "c".repeat(50_000), "Cookie:" + " ".repeat(50_000) + "a=b", "Bearer" + " ".repeat(50_000) + "x".repeat(20),
                new Corpus(5).pem("PRIVATE KEY", 1_000), "4".repeat(50_000), plantedText(r, 1) + plantedText(r, 2)));
        for (int body = 2_000; body < 2_100; body += 3) { // END lines around the piece boundary
            texts.add("-----BEGIN " + "ENCRYPTED ".repeat(6) + "PRIVATE KEY-----\n" + "k".repeat(body) + "\n-----END PRIVATE KEY-----\nok 10.0.0.1\n");
        }
        for (String text : texts) {
            Masker.Stream s = (Masker.Stream) m.stream();
            StringBuilder out = new StringBuilder();
            for (int k = 0; k < text.length(); k += 100) {
                out.append(s.push(text.substring(k, Math.min(text.length(), k + 100))));
                assertTrue(s.withheld() <= Masker.MAX_WITHHELD, s.withheld() + " characters withheld");
            }
            out.append(s.finish());
            assertEquals(m.maskText(text), out.toString());
        }
    }

    /** A PEM key far longer than the look-ahead, fed in small chunks: none of its characters is emitted. */
    @Test
    void aLongKeyNeverLeaks() {
        Masker m = new Masker(MaskingPolicy.parse("types=PEM_PRIVATE_KEY", null));
        String key = new Corpus(11).pem("RSA PRIVATE KEY", 400);
        String text = "before\n" + key + "\nafter\n";
        StreamMasker s = m.stream();
        StringBuilder out = new StringBuilder();
        Random r = new Random(3);
        for (int k = 0; k < text.length(); ) {
            int n = 1 + r.nextInt(300);
            out.append(s.push(text.substring(k, Math.min(text.length(), k + n))));
            k += n;
        }
        out.append(s.finish());
        assertEquals("before\n[PEM_PRIVATE_KEY]\nafter\n", out.toString());
        assertEquals(1L, m.counts().get(InfoType.PEM_PRIVATE_KEY));
    }

    @Test
    void flushEmitsTheTailAndAKeyGoesOnBeingMasked() {
        Masker m = new Masker(MaskingPolicy.parse("types=PEM_PRIVATE_KEY,EMAIL_ADDRESS", null));
        StreamMasker s = m.stream();
        assertEquals("", s.push("user"), "'user' could become user@example.com");
        assertEquals("user", s.flush());
        assertEquals("[PEM_PRIVATE_KEY]", s.push("-----BEGIN RSA PRIVATE KEY-----\nMIIEow") + s.flush());
        assertEquals("\nok", s.push("IBAAKCAQEA\n-----END RSA PRIVATE KEY-----\nok") + s.finish());
    }

    @Test
    void finishEndsTheStream() {
        Masker m = new Masker(MaskingPolicy.parse("types=EMAIL_ADDRESS", null));
        StreamMasker s = m.stream();
        assertEquals("", s.push("a@example.co"));
        assertEquals("[EMAIL_ADDRESS]", s.finish());
        assertEquals("", s.finish());
        assertEquals("masking stream already finished", assertThrows(IllegalStateException.class, () -> s.push("x")).getMessage());
        assertThrows(IllegalStateException.class, s::flush);
    }

    @Test
    void withNothingToDetectAStreamPassesThrough() {
        Masker m = new Masker(MaskingPolicy.parse("columns=email", null));
        StreamMasker s = m.stream();
        assertEquals("a@example.co", s.push("a@example.co"));
        assertEquals("", s.finish());
    }

    @Test
    void streamsAreIndependent() {
        Masker m = new Masker(MaskingPolicy.parse("types=EMAIL_ADDRESS", null));
        StreamMasker a = m.stream();
        StreamMasker b = m.stream();
        String out = a.push("x@exam") + b.push("plain ") + a.push("ple.com ") + b.push("text ") + a.finish() + "|" + b.finish();
        assertFalse(out.contains("x@"), out);
        assertEquals(1L, m.counts().get(InfoType.EMAIL_ADDRESS));
    }

    private static String streamInChunks(Masker m, String text, Random r, int maxChunk) {
        StreamMasker s = m.stream();
        StringBuilder out = new StringBuilder();
        for (int k = 0; k < text.length(); ) {
            int n = 1 + r.nextInt(maxChunk);
            out.append(s.push(text.subSequence(k, Math.min(text.length(), k + n))));
            k += n;
            if (r.nextInt(50) == 0) {
                out.append(s.push(""));
            }
        }
        return out.append(s.finish()).toString();
    }

    /** Filler (words, numbers, dates, punctuation, non-ASCII) with values of every type and their near misses planted. */
    static String plantedText(Random r, int seed) {
        Corpus c = new Corpus(seed);
        String[] filler = {"the", "order", "2024-01-15", "10:30:00", "v1.2.3", "200", "OK", "ERROR:", "|", "\n", "\r\n", "—", "ção", "\t", "(x)", "42", "user",
            "a.b", "::", "-", "+", "1,234.56", "id=7", "\"q\"", "dob", "passport", "Cookie:", "Bearer"};
        StringBuilder sb = new StringBuilder();
        int parts = 20 + r.nextInt(60);
        List<InfoType> types = new ArrayList<>(List.of(InfoType.values()));
        types.remove(InfoType.COLUMN);
        for (int k = 0; k < parts; k++) {
            switch (r.nextInt(4)) {
                case 0 -> {
                    InfoType t = types.get(r.nextInt(types.size()));
                    String prefix = switch (t) {
                        case HTTP_COOKIE -> "Cookie: ";
                        case BEARER_TOKEN -> "Bearer ";
                        case DATE_OF_BIRTH -> "DOB: ";
                        case US_PASSPORT -> "passport ";
                        default -> "";
                    };
                    sb.append(prefix).append(c.positive(t));
                }
                case 1 -> {
                    InfoType t = types.get(r.nextInt(types.size()));
                    sb.append(c.negative(t));
                }
                default -> sb.append(filler[r.nextInt(filler.length)]);
            }
            sb.append(r.nextInt(5) == 0 ? "\n" : " ");
        }
        return sb.toString();
    }
}
