package dev.hoop.agent.guardrails;

import static dev.hoop.agent.guardrails.SqlTokens.altersPassword;
import static dev.hoop.agent.guardrails.SqlTokens.explainedFrom;
import static dev.hoop.agent.guardrails.SqlTokens.indexAtDepthZero;
import static dev.hoop.agent.guardrails.SqlTokens.isName;
import static dev.hoop.agent.guardrails.SqlTokens.lastPart;
import static dev.hoop.agent.guardrails.SqlTokens.lower;
import static dev.hoop.agent.guardrails.SqlTokens.mainVerbIndex;
import static dev.hoop.agent.guardrails.SqlTokens.unquote;
import static dev.hoop.agent.guardrails.SqlTokens.whereAtDepth;

import dev.hoop.common.guardrails.GuardrailRules;
import dev.hoop.common.pgwire.SqlLexer;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import net.sf.jsqlparser.parser.CCJSqlParserUtil;
import net.sf.jsqlparser.statement.Statement;
import net.sf.jsqlparser.statement.delete.Delete;
import net.sf.jsqlparser.statement.update.Update;

/**
 * Judges SQL statements against a connection's guardrails (docs/guardrails.md). Each statement
 * comes as a {@link SqlLexer.Skeleton} (comments gone, any quoting normalised), so comments, case,
 * quoting and dollar quoting do not hide anything. Three layers:
 * <ol>
 *   <li>JSqlParser reads the statement for what it is (DROP, TRUNCATE, DELETE/UPDATE and their
 *       WHERE, GRANT, SELECT … INTO, SHOW…); {@code EXPLAIN …} and {@code PREPARE … AS} are
 *       unwrapped first and judged by the statement inside.</li>
 *   <li>Token scans that need no parser: denied tables and functions anywhere in the statement,
 *       {@code ( DELETE|UPDATE|INSERT|MERGE} inside WITH clauses at any depth, ALTER USER/ROLE …
 *       PASSWORD, and the leading verb when the parser cannot read the statement.</li>
 *   <li>Code inside literals (DO bodies, function bodies, EXECUTE strings, {@code query_to_xml('…')})
 *       is lexed and every SQL verb in it judged as a statement, up to {@link #MAX_NESTING} deep.</li>
 * </ol>
 * A statement the parser cannot read is blocked on a read-only connection and otherwise judged by
 * the token scans only. On a read-only connection, session settings ({@code SET}, {@code RESET},
 * {@code DISCARD}) run, except those that change the session's role. Stateless and thread-safe.
 *
 * <p>This class holds the rule decisions; the walks over tokens it relies on are {@link SqlTokens},
 * and what kind a statement is, {@link StatementKind}.
 */
public final class SqlGuardrails {
    /** How deep literals inside literals are read (a DO body holding an EXECUTE string is 2). */
    static final int MAX_NESTING = 4;
    /** Literal contents kept for reading code inside them; a longer DO/function body is refused. */
    public static final int LITERAL_HEAD_BYTES = 64 * 1024;
    /** Statements longer than this (as normalised text) are not given to the parser. */
    static final int MAX_PARSED_CHARS = 256 * 1024;
    /** Parser runs per statement (code in literals included); beyond it the statement is refused. */
    static final int MAX_PARSES = 200;

    /** Words that start a statement inside a literal or a body (what is judged there). */
    private static final Set<String> VERBS = Set.of("drop", "truncate", "delete", "update", "grant", "alter", "insert", "merge",
            "create", "copy", "call", "do", "execute", "select", "with", "revoke", "explain", "prepare");
    /** Settings a read-only session may not SET: they change the role the session acts as, or disable triggers. */
    private static final Set<String> IDENTITY_SETTINGS = Set.of("role", "authorization", "session_authorization",
            "session_replication_role");
    /** Functions that change server state although called from a SELECT: refused on read-only connections. */
    static final Set<String> STATE_CHANGING_FUNCTIONS = Set.of("pg_terminate_backend", "pg_cancel_backend", "pg_reload_conf",
            "pg_rotate_logfile", "set_config", "setval", "nextval", "lo_import", "lo_export", "lo_unlink", "lo_create",
            "lo_from_bytea", "lo_put", "pg_read_file", "pg_read_binary_file", "pg_ls_dir", "pg_stat_file", "pg_file_write",
            "dblink", "dblink_exec", "dblink_send_query", "pg_switch_wal", "pg_create_restore_point", "pg_promote",
            "pg_drop_replication_slot", "pg_create_logical_replication_slot", "pg_create_physical_replication_slot",
            "pg_logical_emit_message", "pg_advisory_lock", "pg_advisory_xact_lock", "pg_notify", "txid_current",
            "pg_current_xact_id", "pg_backup_start", "pg_backup_stop", "pg_start_backup", "pg_stop_backup", "pg_sleep",
            "pg_sleep_for", "pg_sleep_until", "query_to_xml", "query_to_xmlschema", "query_to_xml_and_xmlschema",
            "cursor_to_xml", "table_to_xml", "ts_stat");

    private final GuardrailRules rules;

    public SqlGuardrails(GuardrailRules rules) {
        this.rules = rules;
    }

    /** Whether there is anything to check (without rules, callers skip the work entirely). */
    public boolean active() {
        return rules.checksSql();
    }

    /** The block for this statement, or null when it may run. */
    public Block check(SqlLexer.Skeleton statement) {
        if (!active()) {
            return null;
        }
        if (statement.overflowed()) {
            return new Block("size", "the statement is larger than hoop checks");
        }
        return new Judgement().statement(statement.tokens(), 0, false);
    }

    /** The first block among the statements of a whole text at hand (an exec script), or null. */
    public Block checkScript(byte[] sql) {
        if (!active()) {
            return null;
        }
        for (SqlLexer.Skeleton s : lex(sql)) {
            Block b = check(s);
            if (b != null) {
                return b;
            }
        }
        return null;
    }

    /** A lexer whose literal heads are long enough to read DO and function bodies. */
    public static SqlLexer newLexer() {
        return new SqlLexer(LITERAL_HEAD_BYTES, SqlLexer.DEFAULT_MAX_SKELETON_BYTES);
    }

    private static List<SqlLexer.Skeleton> lex(byte[] sql) {
        SqlLexer lexer = newLexer();
        lexer.feed(sql);
        lexer.end();
        return lexer.takeStatements();
    }

    /** One top-level statement's judgement: counts parser runs. */
    private final class Judgement {
        private int parses;
        /** Whether the statement is a DO or CREATE (FUNCTION…): its literals are code, not text. */
        private boolean code;

        Block statement(List<String> tokens, int depth, boolean inLiteral) {
            if (tokens.isEmpty()) {
                return null;
            }
            Block b = denied(tokens);
            if (b == null) {
                b = literals(tokens, depth);
            }
            return b != null ? b : verb(tokens, depth, inLiteral);
        }

        /** Denied tables and functions, and on read-only connections the state-changing functions: by token. */
        private Block denied(List<String> tokens) {
            for (int i = 0; i < tokens.size(); i++) {
                String t = tokens.get(i);
                if (!isName(t)) {
                    continue;
                }
                String name = unquote(t);
                boolean call = i + 1 < tokens.size() && tokens.get(i + 1).equals("(");
                if (rules.deniedTables().stream().anyMatch(d -> lastPart(d).equals(name))) {
                    return new Block(GuardrailRules.DENY_TABLE + ":" + deniedEntry(rules.deniedTables(), name),
                            "table '" + name + "' may not be used on this connection");
                }
                if (call && rules.deniedFunctions().stream().anyMatch(d -> lastPart(d).equals(name))) {
                    return new Block(GuardrailRules.DENY_FUNCTION + ":" + deniedEntry(rules.deniedFunctions(), name),
                            "function '" + name + "' may not be called on this connection");
                }
                if (call && rules.readOnly() && STATE_CHANGING_FUNCTIONS.contains(name)) {
                    return new Block(GuardrailRules.READ_ONLY, "this connection is read-only and function '" + name
                            + "' changes server state or runs other SQL");
                }
            }
            return null;
        }

        /** Code inside literals: every SQL verb in them is judged as the start of a statement. */
        private Block literals(List<String> tokens, int depth) {
            boolean body = !tokens.isEmpty() && (lower(tokens.get(0)).equals("do") || lower(tokens.get(0)).equals("create"));
            if (depth == 0) {
                code = body;
            }
            for (String t : tokens) {
                if (!t.startsWith("'")) {
                    continue;
                }
                String contents = t.substring(1, t.length() - 1).replace("''", "'");
                if (contents.endsWith("…")) {
                    if (body) {
                        return new Block("size", "a DO or function body longer than " + LITERAL_HEAD_BYTES
                                + " bytes is more than hoop checks");
                    }
                    contents = contents.substring(0, contents.length() - 1);
                }
                if (depth >= MAX_NESTING) {
                    if (body) {
                        return new Block("size", "code nested more than " + MAX_NESTING + " literals deep is more than hoop checks");
                    }
                    continue;
                }
                for (SqlLexer.Skeleton inner : lex(contents.getBytes(StandardCharsets.UTF_8))) {
                    List<String> innerTokens = inner.tokens();
                    Block b = denied(innerTokens);
                    if (b == null) {
                        b = literals(innerTokens, depth + 1);
                    }
                    for (int i = 0; b == null && i < innerTokens.size(); i++) {
                        if (VERBS.contains(lower(innerTokens.get(i))) && (i == 0 || !innerTokens.get(i - 1).equals("("))) {
                            b = verb(innerTokens.subList(i, innerTokens.size()), depth + 1, true);
                        }
                    }
                    if (b != null) {
                        return b;
                    }
                }
            }
            return null;
        }

        /** What the statement does, by the parser and by its tokens. */
        private Block verb(List<String> tokens, int depth, boolean inLiteral) {
            String lead = lower(tokens.get(0));
            if (lead.equals("explain")) {
                return unwrapped(tokens, explainedFrom(tokens), depth, inLiteral);
            }
            if (lead.equals("prepare")) {
                int as = indexAtDepthZero(tokens, "as");
                return as < 0 ? null : unwrapped(tokens, as + 1, depth, inLiteral);
            }
            Block nested = nestedDml(tokens);
            if (nested != null) {
                return nested;
            }
            if (rules.statementRules().contains(GuardrailRules.ALTER_PASSWORD) && altersPassword(tokens)) {
                return new Block(GuardrailRules.ALTER_PASSWORD, "changing a password (ALTER USER/ROLE ... PASSWORD) is not allowed on this connection");
            }
            if (++parses > MAX_PARSES) {
                return new Block("size", "the statement holds more code than hoop checks");
            }
            Statement parsed = parse(tokens);
            StatementKind kind = parsed != null ? StatementKind.of(parsed) : StatementKind.lexical(tokens);
            boolean where = parsed instanceof Delete d ? d.getWhere() != null
                    : parsed instanceof Update u ? u.getWhere() != null
                    : whereAtDepth(tokens, mainVerbIndex(tokens));
            if (parsed == null && inLiteral && !readsAsSql(kind, tokens, code)) {
                return null; // text in a string ("drop", "update your profile") is not a statement
            }
            if (kind == StatementKind.DROP && rules.statementRules().contains(GuardrailRules.DROP)) {
                return new Block(GuardrailRules.DROP, "DROP statements are not allowed on this connection");
            }
            if (kind == StatementKind.TRUNCATE && rules.statementRules().contains(GuardrailRules.TRUNCATE)) {
                return new Block(GuardrailRules.TRUNCATE, "TRUNCATE is not allowed on this connection");
            }
            if (kind == StatementKind.DELETE && !where && rules.statementRules().contains(GuardrailRules.DELETE_WITHOUT_WHERE)) {
                return new Block(GuardrailRules.DELETE_WITHOUT_WHERE, "DELETE without a WHERE clause is not allowed on this connection");
            }
            if (kind == StatementKind.UPDATE && !where && rules.statementRules().contains(GuardrailRules.UPDATE_WITHOUT_WHERE)) {
                return new Block(GuardrailRules.UPDATE_WITHOUT_WHERE, "UPDATE without a WHERE clause is not allowed on this connection");
            }
            if (kind == StatementKind.GRANT && rules.statementRules().contains(GuardrailRules.GRANT)) {
                return new Block(GuardrailRules.GRANT, "GRANT is not allowed on this connection");
            }
            if (rules.readOnly()) {
                return readOnly(tokens, parsed, kind, inLiteral);
            }
            return null;
        }

        private Block readOnly(List<String> tokens, Statement parsed, StatementKind kind, boolean inLiteral) {
            String lead = lower(tokens.get(0));
            if (!inLiteral && (lead.equals("set") || lead.equals("reset") || lead.equals("discard"))) {
                return sessionSetting(tokens);
            }
            if (parsed == null) {
                if (inLiteral) {
                    return null; // text in a string that does not read as SQL ("update your profile") is no statement
                }
                if (StatementKind.TRANSACTION_WORDS.contains(lead)) {
                    return null;
                }
                return new Block(GuardrailRules.READ_ONLY, "this connection is read-only and hoop could not read this statement"
                        + " (only SELECT, SHOW and EXPLAIN run)");
            }
            // The parser and the first word must agree: a statement is a query only if it starts like one.
            boolean startsLikeQuery = Set.of("select", "with", "values", "table", "show", "(").contains(lead);
            if (kind.reads() && startsLikeQuery || kind == StatementKind.TRANSACTION && StatementKind.TRANSACTION_WORDS.contains(lead)) {
                return null;
            }
            return readOnlyBlock(kind);
        }

        /**
         * {@code SET}/{@code RESET}/{@code DISCARD}: session settings change no data, and drivers send
         * them on connect (pgjdbc: {@code SET extra_float_digits = 3}); changing who the session acts
         * as is blocked.
         */
        private Block sessionSetting(List<String> tokens) {
            int i = 1;
            while (i < tokens.size() && Set.of("session", "local").contains(lower(tokens.get(i)))) {
                i++;
            }
            String name = i < tokens.size() ? unquote(tokens.get(i)) : "";
            if (lower(tokens.get(0)).equals("set") && IDENTITY_SETTINGS.contains(name)) {
                return new Block(GuardrailRules.READ_ONLY, "this connection is read-only and SET " + name.toUpperCase(Locale.ROOT)
                        + " changes who the session acts as");
            }
            return null;
        }

        private Block readOnlyBlock(StatementKind kind) {
            return new Block(GuardrailRules.READ_ONLY, "this connection is read-only: only SELECT, SHOW and EXPLAIN run"
                    + (kind == StatementKind.OTHER ? "" : " (this statement is " + kind.description + ")"));
        }

        /** {@code EXPLAIN …} or {@code PREPARE … AS}: the statement inside, judged as if sent alone. */
        private Block unwrapped(List<String> tokens, int from, int depth, boolean inLiteral) {
            if (from >= tokens.size()) {
                return null;
            }
            return verb(tokens.subList(from, tokens.size()), depth, inLiteral);
        }

        /** {@code ( DELETE|UPDATE|INSERT|MERGE}: a data-modifying statement in a WITH clause (or COPY (…) TO). */
        private Block nestedDml(List<String> tokens) {
            for (int i = 0; i + 1 < tokens.size(); i++) {
                if (!tokens.get(i).equals("(")) {
                    continue;
                }
                String verb = lower(tokens.get(i + 1));
                boolean delete = verb.equals("delete");
                boolean update = verb.equals("update");
                if (!(delete || update || verb.equals("insert") || verb.equals("merge"))) {
                    continue;
                }
                boolean where = whereAtDepth(tokens, i + 1);
                if (delete && !where && rules.statementRules().contains(GuardrailRules.DELETE_WITHOUT_WHERE)) {
                    return new Block(GuardrailRules.DELETE_WITHOUT_WHERE, "DELETE without a WHERE clause is not allowed on this connection");
                }
                if (update && !where && rules.statementRules().contains(GuardrailRules.UPDATE_WITHOUT_WHERE)) {
                    return new Block(GuardrailRules.UPDATE_WITHOUT_WHERE, "UPDATE without a WHERE clause is not allowed on this connection");
                }
                if (rules.readOnly()) {
                    return new Block(GuardrailRules.READ_ONLY, "this connection is read-only: only SELECT, SHOW and EXPLAIN run"
                            + " (this statement holds " + verb.toUpperCase(Locale.ROOT) + " in a WITH clause)");
                }
            }
            return null;
        }
    }

    /**
     * For unparseable text in a literal: whether it still looks like the start of a statement
     * (dynamic SQL is often built from pieces: {@code 'DELETE FROM ' || t}).
     */
    private static boolean readsAsSql(StatementKind kind, List<String> tokens, boolean code) {
        if (code) {
            // in a body, a lone verb is the start of dynamic SQL: EXECUTE 'TRUNCATE ' || t
            return Set.of(StatementKind.DROP, StatementKind.TRUNCATE, StatementKind.GRANT, StatementKind.DELETE,
                    StatementKind.UPDATE).contains(kind);
        }
        if (tokens.size() < 2) {
            return false;
        }
        return switch (kind) {
            case DROP, TRUNCATE, GRANT -> true;
            case DELETE -> lower(tokens.get(1)).equals("from");
            case UPDATE -> tokens.stream().anyMatch(t -> lower(t).equals("set"));
            default -> false;
        };
    }

    /** Parses the statement, or null when JSqlParser cannot read it. */
    static Statement parse(List<String> tokens) {
        String text = SqlText.of(tokens);
        if (text.length() > MAX_PARSED_CHARS) {
            return null;
        }
        try {
            return CCJSqlParserUtil.newParser(text).Statement();
        } catch (Exception | StackOverflowError e) {
            return null; // ParseException, TokenMgrException, or nesting deeper than the parser's stack
        }
    }

    private static String deniedEntry(Set<String> entries, String name) {
        return entries.stream().filter(d -> lastPart(d).equals(name)).sorted().findFirst().orElse(name);
    }
}
