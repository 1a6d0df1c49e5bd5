package dev.hoop.agent.masking;

import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/**
 * Precision and recall per info type on the generated corpus (all types on at once, as in use),
 * printed as the table in docs/masking.md#precision-and-recall and held to minimums.
 */
class CorpusTest {
    private static final Pattern TOKEN = Pattern.compile("\\[([A-Z_]+)]");
    /** What every type must reach on this corpus; the measured figures are in docs/masking.md. */
    private static final double MIN_PRECISION = 0.95;
    private static final double MIN_RECALL = 0.90;

    @Test
    void everyTypeMeetsThePrecisionAndRecallMinimums() {
        Masker masker = new Masker(MaskingPolicy.parse("types=ALL;format=TOKEN", null));
        List<Corpus.Sample> samples = new Corpus(20261203L).samples(500);
        Map<InfoType, int[]> score = new EnumMap<>(InfoType.class); // tp, fn, fp
        List<String> misses = new ArrayList<>();
        for (Corpus.Sample s : samples) {
            String out = masker.maskText(s.text());
            int[] own = score.computeIfAbsent(s.type(), t -> new int[3]);
            if (out.equals(s.expected())) {
                if (s.positive()) {
                    own[0]++;
                }
                continue;
            }
            if (s.positive()) {
                own[1]++;
            }
            List<String> expectedTokens = tokens(s.expected());
            for (String found : tokens(out)) {
                if (!expectedTokens.remove(found)) {
                    score.computeIfAbsent(InfoType.valueOf(found), t -> new int[3])[2]++;
                }
            }
            if (misses.stream().filter(m -> m.startsWith(s.type() + " ")).count() < 4) {
                misses.add(s.type() + (s.positive() ? " missed: " : " false positive: ") + s.text().replace("\n", "\\n") + "  ->  " + out.replace("\n", "\\n"));
            }
        }
        StringBuilder table = new StringBuilder("| info type | samples (+/-) | precision | recall |\n|---|---|---|---|\n");
        List<String> failures = new ArrayList<>();
        int per = samples.size() / (InfoType.values().length - 1) / 2;
        for (InfoType t : score.keySet()) {
            int[] sc = score.get(t);
            double precision = sc[0] + sc[2] == 0 ? 1 : (double) sc[0] / (sc[0] + sc[2]);
            double recall = sc[0] + sc[1] == 0 ? 1 : (double) sc[0] / (sc[0] + sc[1]);
            table.append(String.format("| %s | %d / %d | %.3f | %.3f |%n", t, per, per, precision, recall));
            if (precision < MIN_PRECISION || recall < MIN_RECALL) {
                failures.add(String.format("%s: precision %.3f, recall %.3f", t, precision, recall));
            }
        }
        System.out.println(table);
        misses.forEach(System.out::println);
        assertTrue(failures.isEmpty(), "below precision " + MIN_PRECISION + " / recall " + MIN_RECALL + ": " + failures);
    }

    private static List<String> tokens(String s) {
        List<String> out = new ArrayList<>();
        Matcher m = TOKEN.matcher(s);
        while (m.find()) {
            out.add(m.group(1));
        }
        return out;
    }
}
