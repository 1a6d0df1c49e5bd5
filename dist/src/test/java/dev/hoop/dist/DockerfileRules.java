package dev.hoop.dist;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * hadolint-style rules for deploy/docker/Dockerfile, since no Dockerfile linter is packaged in
 * Debian and no base image can be pulled here to build it. Each rule is named after the hadolint
 * rule it follows where there is one; {@link #violations} lists every broken rule with its line.
 */
final class DockerfileRules {
    /** One instruction, continuation lines joined; {@code line} is where it starts. */
    record Instruction(int line, String keyword, String args) {}

    private static final Pattern SECRET_NAME = Pattern.compile("(?i).*(PASSWORD|PASSWD|SECRET|TOKEN|PRIVATE|_KEY|^KEY)$");
    private static final Pattern VAR_ASSIGN = Pattern.compile("([A-Za-z_][A-Za-z0-9_]*)=(\"[^\"]*\"|\\S*)");
    private static final Pattern PINNED = Pattern.compile("[^\\s:@]+(:[^\\s:@]*\\d[^\\s:@]*)?(@sha256:[0-9a-f]{64})?");

    private DockerfileRules() {}

    static List<Instruction> parse(String text) {
        List<Instruction> out = new ArrayList<>();
        String[] lines = text.split("\n", -1);
        StringBuilder cur = null;
        int start = 0;
        for (int i = 0; i < lines.length; i++) {
            String l = lines[i].strip();
            if (cur == null && (l.isEmpty() || l.startsWith("#"))) {
                continue;
            }
            if (cur != null && l.startsWith("#")) {
                continue; // a comment inside a continued instruction
            }
            if (cur == null) {
                cur = new StringBuilder();
                start = i + 1;
            }
            boolean more = l.endsWith("\\");
            cur.append(more ? l.substring(0, l.length() - 1) : l).append(' ');
            if (!more) {
                String s = cur.toString().strip();
                int sp = s.indexOf(' ');
                out.add(new Instruction(start, (sp < 0 ? s : s.substring(0, sp)).toUpperCase(Locale.ROOT), sp < 0 ? "" : s.substring(sp + 1).strip()));
                cur = null;
            }
        }
        return out;
    }

    static List<String> violations(String text) {
        List<String> v = new ArrayList<>();
        List<Instruction> all = parse(text);
        Map<String, String> args = new HashMap<>(); // ARG defaults seen before or in a stage
        Set<String> stages = new HashSet<>();
        int lastFrom = -1;
        for (int i = 0; i < all.size(); i++) {
            Instruction in = all.get(i);
            String at = "line " + in.line() + ": ";
            switch (in.keyword()) {
                case "ARG", "ENV" -> {
                    Matcher m = VAR_ASSIGN.matcher(in.args());
                    while (m.find()) {
                        args.put(m.group(1), m.group(2).replace("\"", ""));
                        if (SECRET_NAME.matcher(m.group(1)).matches()) {
                            v.add(at + in.keyword() + " " + m.group(1) + ": secrets must not be baked into an image (DL3044-like; pass them at run time)");
                        }
                    }
                }
                case "FROM" -> {
                    lastFrom = i;
                    String[] parts = in.args().split("\\s+");
                    String image = parts[0].startsWith("--platform") ? parts[1] : parts[0];
                    String resolved = resolve(image, args);
                    if (!stages.contains(resolved.toLowerCase(Locale.ROOT))) {
                        if (resolved.endsWith(":latest") || !PINNED.matcher(resolved).matches() || !resolved.matches(".*(:[^/]*\\d|@sha256:).*")) {
                            v.add(at + "FROM " + resolved + ": pin the base image by version tag or digest, never latest (DL3006/DL3007)");
                        }
                    }
                    int as = List.of(parts).indexOf("AS") >= 0 ? List.of(parts).indexOf("AS") : List.of(parts).indexOf("as");
                    if (as >= 0 && as + 1 < parts.length) {
                        stages.add(parts[as + 1].toLowerCase(Locale.ROOT));
                    }
                }
                case "RUN" -> {
                    String r = in.args();
                    if (r.contains("apt-get install") && !r.contains("--no-install-recommends")) {
                        v.add(at + "apt-get install without --no-install-recommends (DL3015)");
                    }
                    if (r.contains("apt-get install") && !r.contains("rm -rf /var/lib/apt/lists")) {
                        v.add(at + "apt-get install without removing /var/lib/apt/lists (DL3009)");
                    }
                    if (r.contains("apt-get update") && !r.contains("apt-get install")) {
                        v.add(at + "apt-get update alone in a RUN: cached layers install from an old list (DL3009)");
                    }
                    if (r.matches(".*\\b(curl|wget)\\b[^|]*\\|\\s*(ba)?sh.*")) {
                        v.add(at + "piping a download into a shell");
                    }
                    if (r.matches("(^|.*[;&|]\\s*)sudo\\b.*")) {
                        v.add(at + "sudo in a RUN (DL3004)");
                    }
                }
                case "ADD" -> v.add(at + "ADD: use COPY for files (DL3020)");
                case "COPY" -> {
                    Matcher m = Pattern.compile("--from=(\\S+)").matcher(in.args());
                    if (m.find() && !stages.contains(m.group(1).toLowerCase(Locale.ROOT))) {
                        v.add(at + "COPY --from=" + m.group(1) + ": no earlier stage of that name (DL3022)");
                    }
                }
                case "WORKDIR" -> {
                    if (!in.args().startsWith("/")) {
                        v.add(at + "WORKDIR " + in.args() + ": use an absolute path (DL3000)");
                    }
                }
                default -> { }
            }
        }
        List<Instruction> last = lastFrom < 0 ? List.of() : all.subList(lastFrom, all.size());
        String user = null;
        for (Instruction in : last) {
            if (in.keyword().equals("USER")) {
                user = in.args();
            }
        }
        if (user == null || user.matches("(root|0)(:.*)?")) {
            v.add("final stage: set USER to a non-root user (DL3002)");
        }
        if (last.stream().noneMatch(in -> in.keyword().equals("HEALTHCHECK") && !in.args().equalsIgnoreCase("NONE"))) {
            v.add("final stage: no HEALTHCHECK");
        }
        if (last.stream().noneMatch(in -> in.keyword().equals("EXPOSE"))) {
            v.add("final stage: no EXPOSE");
        }
        for (String k : List.of("ENTRYPOINT", "CMD")) {
            last.stream().filter(in -> in.keyword().equals(k) && !in.args().startsWith("["))
                    .forEach(in -> v.add("line " + in.line() + ": " + k + " in shell form: use the JSON form so signals reach hoop (DL3025)"));
        }
        return v;
    }

    private static String resolve(String image, Map<String, String> args) {
        Matcher m = Pattern.compile("\\$\\{?([A-Za-z_][A-Za-z0-9_]*)}?").matcher(image);
        StringBuilder sb = new StringBuilder();
        while (m.find()) {
            m.appendReplacement(sb, Matcher.quoteReplacement(args.getOrDefault(m.group(1), "")));
        }
        m.appendTail(sb);
        return sb.toString();
    }
}
