import dev.hoop.agent.masking.Masker;
import dev.hoop.agent.masking.MaskingPolicy;
import dev.hoop.agent.masking.StreamMasker;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;

/**
 * Throughput of the masking engine on one core (bench/masking-engine/run). Not a test: prints MB/s
 * (of UTF-16 chars, 1 char = 1 byte of ASCII input) after a warm-up, for
 *   text:   command-output-like lines (log lines with a few values in them), streamed in 8 KB chunks
 *   values: result-like values (ids, names, amounts, dates, a few e-mails), one maskValue each
 *   table:  a 1,000-row x 10-column result, as the PostgreSQL stage sees it (ms per result)
 *   copy:   the same rows as COPY text (tab-separated lines), streamed in 8 KB chunks
 *   lines:  the ~1 KB rows of bench/masking/run's 1 GB COPY (a number, an e-mail, 960 'x'), one
 *           maskText per row, as the PostgreSQL stage masks each COPY data message
 * Args: [seconds per figure, default 3] [warm-up seconds, default 3].
 */
public class MaskingBench {
    public static void main(String[] args) {
        double seconds = args.length > 0 ? Double.parseDouble(args[0]) : 3;
        double warmup = args.length > 1 ? Double.parseDouble(args[1]) : 3;
        Masker masker = new Masker(MaskingPolicy.parse("types=ALL;columns=*password*;format=TOKEN", null));
        Random r = new Random(42);
        String text = text(r, 4 << 20);
        String[][] rows = rows(r, 1000, 10);
        String[] columns = {"id", "name", "email", "amount", "created_at", "status", "note", "city", "phone", "ip"};

        run("warm-up", warmup, () -> streamText(masker, text), text.length());
        run("warm-up", warmup, () -> values(masker, columns, rows), size(rows));
        System.out.printf("java %s, %d available processors; figures are per core (one thread)%n",
                System.getProperty("java.version"), Runtime.getRuntime().availableProcessors());
        double textMbs = run("text (streamed, 8 KB chunks)", seconds, () -> streamText(masker, text), text.length());
        double oneMbs = run("text (one piece)", seconds, () -> masker.maskText(text).length(), text.length());
        double valMbs = run("values (maskValue per cell)", seconds, () -> values(masker, columns, rows), size(rows));
        String copy = copyText(rows, 4 << 20);
        double copyMbs = run("COPY text rows (streamed)", seconds, () -> streamText(masker, copy), copy.length());
        String[] lines = new String[1000];
        long linesSize = 0;
        for (int g = 0; g < lines.length; g++) {
            lines[g] = (100000 + g) + "\tuser" + (100000 + g) + "@example.com\t" + "x".repeat(960) + "\n";
            linesSize += lines[g].length();
        }
        double linesMbs = run("1 KB COPY rows (maskText per row)", seconds, () -> {
            int n = 0;
            for (String line : lines) {
                n += masker.maskText(line).length();
            }
            return n;
        }, linesSize);
        double[] ms = new double[31];
        for (int k = 0; k < ms.length; k++) {
            long t0 = CPU.getCurrentThreadCpuTime();
            values(masker, columns, rows);
            ms[k] = (CPU.getCurrentThreadCpuTime() - t0) / 1e6;
        }
        java.util.Arrays.sort(ms);
        System.out.printf("%-34s %8.1f MB/s%n%-34s %8.1f MB/s%n%-34s %8.1f MB/s%n", "text, streamed:", textMbs, "text, one piece:", oneMbs,
                "result values:", valMbs);
        System.out.printf("%-34s %8.1f MB/s%n", "COPY text rows, streamed:", copyMbs);
        System.out.printf("%-34s %8.1f MB/s%n", "1 KB COPY rows (bench/masking/run):", linesMbs);
        System.out.printf("%-34s %8.2f ms median, %.2f ms p90 of CPU time (target: <= 10 ms added)%n", "1,000 x 10 result:", ms[15], ms[27]);
    }

    private static final java.lang.management.ThreadMXBean CPU = java.lang.management.ManagementFactory.getThreadMXBean();

    /** MB per second of this thread's CPU time: on a shared machine, wall time would count the other processes. */
    private static double run(String name, double seconds, java.util.function.IntSupplier work, long chars) {
        long end = System.nanoTime() + (long) (seconds * 1e9);
        long done = 0;
        long t0 = CPU.getCurrentThreadCpuTime();
        int sink = 0;
        do {
            sink += work.getAsInt();
            done += chars;
        } while (System.nanoTime() < end);
        double mbs = done / 1e6 / ((CPU.getCurrentThreadCpuTime() - t0) / 1e9);
        if (sink == 42) {
            System.out.println();
        }
        return mbs;
    }

    private static int streamText(Masker masker, String text) {
        StreamMasker s = masker.stream();
        int n = 0;
        for (int k = 0; k < text.length(); k += 8192) {
            n += s.push(text.subSequence(k, Math.min(text.length(), k + 8192))).length();
        }
        return n + s.finish().length();
    }

    private static int values(Masker masker, String[] columns, String[][] rows) {
        int n = 0;
        for (String[] row : rows) {
            for (int c = 0; c < row.length; c++) {
                n += masker.maskValue(columns[c], row[c]).length();
            }
        }
        return n;
    }

    private static long size(String[][] rows) {
        long n = 0;
        for (String[] row : rows) {
            for (String v : row) {
                n += v.length();
            }
        }
        return n;
    }

    static String text(Random r, int chars) {
        String[] words = {"GET", "/api/v1/orders", "200", "took", "12ms", "user", "login", "ok", "INFO", "WARN", "worker-3",
            "retrying", "connection", "reset", "by", "peer", "cache", "miss", "for", "key", "order:12345", "shipped", "version", "1.4.2"};
        StringBuilder sb = new StringBuilder(chars + 200);
        while (sb.length() < chars) {
            sb.append("2026-12-03T07:").append(10 + r.nextInt(50)).append(':').append(10 + r.nextInt(50)).append("Z ");
            int n = 6 + r.nextInt(10);
            for (int k = 0; k < n; k++) {
                sb.append(words[r.nextInt(words.length)]).append(' ');
            }
            switch (r.nextInt(20)) {
                case 0 -> sb.append("user=jane.doe").append(r.nextInt(100)).append("@example.com ");
                case 1 -> sb.append("from 10.").append(r.nextInt(256)).append('.').append(r.nextInt(256)).append(".7 ");
                case 2 -> sb.append("card 4111 1111 1111 1111 ");
                default -> { }
            }
            sb.append('\n');
        }
        return sb.toString();
    }

    /** The rows as COPY … TO STDOUT sends them: tab-separated, one per line, repeated to the size. */
    static String copyText(String[][] rows, int chars) {
        StringBuilder sb = new StringBuilder(chars + 1000);
        while (sb.length() < chars) {
            for (String[] row : rows) {
                sb.append(String.join("\t", row)).append('\n');
            }
        }
        return sb.toString();
    }

    static String[][] rows(Random r, int n, int cols) {
        String[] names = {"Alice Martin", "Bob Stone", "Carla Souza", "Dan Wu", "Eve Adams"};
        String[] statuses = {"active", "pending", "closed"};
        String[] cities = {"Lisbon", "São Paulo", "Berlin", "Austin", "Osaka"};
        List<String[]> rows = new ArrayList<>();
        for (int k = 0; k < n; k++) {
            rows.add(new String[] {String.valueOf(100000 + k), names[r.nextInt(names.length)],
                "user" + k + "@example.com", r.nextInt(10000) + "." + r.nextInt(100),
                "2026-11-" + (10 + r.nextInt(18)) + " 10:" + (10 + r.nextInt(50)) + ":00+00", statuses[r.nextInt(3)],
                "note about order " + r.nextInt(100000), cities[r.nextInt(cities.length)],
                "+1 415 555 " + (1000 + r.nextInt(9000)), "10.0." + r.nextInt(256) + "." + r.nextInt(256)});
        }
        return rows.toArray(new String[0][]);
    }
}
