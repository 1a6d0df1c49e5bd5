package dev.hoop.common.guardrails;

import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.regex.Pattern;
import java.util.regex.PatternSyntaxException;

/**
 * A connection's guardrails, parsed from the {@code guardrails} plugin's per-connection config (a
 * list of rule strings, docs/guardrails.md). The gateway parses it to refuse a bad config at the
 * door; the agent parses the same strings (sent in {@code agent.connection_params}) and enforces them.
 *
 * <p>Rules: {@code read-only}, {@code drop}, {@code truncate}, {@code delete-without-where},
 * {@code update-without-where}, {@code alter-password}, {@code grant}, {@code deny-table:NAME},
 * {@code deny-function:NAME} (SQL), and {@code regex:PATTERN} (command-line input).
 *
 * @param config          the rule strings as given (trimmed), in order
 * @param statementRules  the named statement rules (drop, truncate, …; not read-only)
 * @param readOnly        whether only SELECT, SHOW, EXPLAIN (and transaction control) may run
 * @param deniedTables    lower-cased table names, optionally schema-qualified ({@code s.t})
 * @param deniedFunctions lower-cased function names, optionally schema-qualified
 * @param inputPatterns   the regex rules for command-line input
 */
public record GuardrailRules(List<String> config, Set<String> statementRules, boolean readOnly, Set<String> deniedTables,
        Set<String> deniedFunctions, List<Pattern> inputPatterns) {
    /** The gateway plugin whose per-connection config holds these rule strings. */
    public static final String PLUGIN = "guardrails";
    public static final String READ_ONLY = "read-only";
    public static final String DROP = "drop";
    public static final String TRUNCATE = "truncate";
    public static final String DELETE_WITHOUT_WHERE = "delete-without-where";
    public static final String UPDATE_WITHOUT_WHERE = "update-without-where";
    public static final String ALTER_PASSWORD = "alter-password";
    public static final String GRANT = "grant";
    public static final String DENY_TABLE = "deny-table";
    public static final String DENY_FUNCTION = "deny-function";
    public static final String REGEX = "regex";

    /** The rules without an argument, in the order the docs list them. */
    public static final List<String> NAMED = List.of(READ_ONLY, DROP, TRUNCATE, DELETE_WITHOUT_WHERE, UPDATE_WITHOUT_WHERE,
            ALTER_PASSWORD, GRANT);
    static final int MAX_RULES = 200;
    static final int MAX_RULE_CHARS = 1000;
    private static final Pattern NAME = Pattern.compile("[A-Za-z_][A-Za-z0-9_$]*(\\.[A-Za-z_][A-Za-z0-9_$]*)?");

    public static final GuardrailRules NONE = new GuardrailRules(List.of(), Set.of(), false, Set.of(), Set.of(), List.of());

    public GuardrailRules {
        config = List.copyOf(config);
        statementRules = Set.copyOf(statementRules);
        deniedTables = Set.copyOf(deniedTables);
        deniedFunctions = Set.copyOf(deniedFunctions);
        inputPatterns = List.copyOf(inputPatterns);
    }

    /**
     * Parses and validates rule strings.
     *
     * @throws IllegalArgumentException naming the first bad rule and what was expected
     */
    public static GuardrailRules parse(List<String> rules) {
        if (rules == null || rules.isEmpty()) {
            return NONE;
        }
        if (rules.size() > MAX_RULES) {
            throw new IllegalArgumentException("guardrails: " + rules.size() + " rules (expected: at most " + MAX_RULES + ")");
        }
        List<String> config = new ArrayList<>();
        Set<String> named = new LinkedHashSet<>();
        boolean readOnly = false;
        Set<String> tables = new LinkedHashSet<>();
        Set<String> functions = new LinkedHashSet<>();
        List<Pattern> patterns = new ArrayList<>();
        for (String raw : rules) {
            if (raw == null || raw.isBlank()) {
                throw new IllegalArgumentException("guardrails: an empty rule (expected: one of " + String.join(", ", NAMED)
                        + ", deny-table:NAME, deny-function:NAME, regex:PATTERN)");
            }
            String rule = raw.strip();
            if (rule.length() > MAX_RULE_CHARS) {
                throw new IllegalArgumentException("guardrails: a rule of " + rule.length() + " characters (expected: at most "
                        + MAX_RULE_CHARS + ")");
            }
            config.add(rule);
            int colon = rule.indexOf(':');
            String kind = (colon < 0 ? rule : rule.substring(0, colon)).strip().toLowerCase(Locale.ROOT);
            String arg = colon < 0 ? null : rule.substring(colon + 1);
            switch (kind) {
                case DENY_TABLE -> tables.add(name(rule, arg));
                case DENY_FUNCTION -> functions.add(name(rule, arg));
                case REGEX -> patterns.add(pattern(rule, arg));
                default -> {
                    if (!NAMED.contains(kind) || arg != null) {
                        throw new IllegalArgumentException("guardrails: unknown rule '" + rule + "' (expected: one of "
                                + String.join(", ", NAMED) + ", deny-table:NAME, deny-function:NAME, regex:PATTERN)");
                    }
                    if (kind.equals(READ_ONLY)) {
                        readOnly = true;
                    } else {
                        named.add(kind);
                    }
                }
            }
        }
        return new GuardrailRules(config, named, readOnly, tables, functions, patterns);
    }

    /** Whether any rule applies to SQL. */
    public boolean checksSql() {
        return readOnly || !statementRules.isEmpty() || !deniedTables.isEmpty() || !deniedFunctions.isEmpty();
    }

    /** Whether any rule applies to command-line input. */
    public boolean checksInput() {
        return !inputPatterns.isEmpty();
    }

    private static String name(String rule, String arg) {
        String name = arg == null ? "" : arg.strip();
        if (!NAME.matcher(name).matches()) {
            throw new IllegalArgumentException("guardrails: '" + rule + "' (expected: " + rule.substring(0, Math.max(0, rule.indexOf(':')))
                    + ":NAME or :SCHEMA.NAME, letters, digits and _)");
        }
        return name.toLowerCase(Locale.ROOT);
    }

    private static Pattern pattern(String rule, String arg) {
        if (arg == null || arg.isEmpty()) {
            throw new IllegalArgumentException("guardrails: '" + rule + "' has no pattern (expected: regex:PATTERN, a Java regular expression)");
        }
        try {
            return Pattern.compile(arg);
        } catch (PatternSyntaxException e) {
            throw new IllegalArgumentException("guardrails: '" + rule + "' is not a valid regular expression: " + e.getDescription()
                    + " near index " + e.getIndex(), e);
        }
    }
}
