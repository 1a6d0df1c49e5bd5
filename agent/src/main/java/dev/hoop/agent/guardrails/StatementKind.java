package dev.hoop.agent.guardrails;

import static dev.hoop.agent.guardrails.SqlTokens.lower;

import java.util.List;
import java.util.Set;
import net.sf.jsqlparser.statement.Commit;
import net.sf.jsqlparser.statement.RollbackStatement;
import net.sf.jsqlparser.statement.ShowColumnsStatement;
import net.sf.jsqlparser.statement.ShowStatement;
import net.sf.jsqlparser.statement.Statement;
import net.sf.jsqlparser.statement.delete.Delete;
import net.sf.jsqlparser.statement.drop.Drop;
import net.sf.jsqlparser.statement.grant.Grant;
import net.sf.jsqlparser.statement.insert.Insert;
import net.sf.jsqlparser.statement.select.PlainSelect;
import net.sf.jsqlparser.statement.select.Select;
import net.sf.jsqlparser.statement.truncate.Truncate;
import net.sf.jsqlparser.statement.update.Update;

/**
 * What a statement does, as far as {@link SqlGuardrails}' rules care: read from JSqlParser's
 * statement when it parses, else from the statement's main verb. Apart from the rules because telling
 * what a statement is does not depend on the connection's rules; the description names the kind in
 * the messages of a read-only block.
 */
enum StatementKind {
    SELECT("a query"), SELECT_INTO("SELECT ... INTO, which creates a table"), SHOW("SHOW"), TRANSACTION("transaction control"),
    DROP("a DROP"), TRUNCATE("a TRUNCATE"), DELETE("a DELETE"), UPDATE("an UPDATE"), GRANT("a GRANT"),
    INSERT("an INSERT"), OTHER("");

    /** What a read-only connection runs besides queries: transaction control changes no data. */
    static final Set<String> TRANSACTION_WORDS = Set.of("begin", "start", "commit", "end", "rollback", "abort",
            "savepoint", "release");

    final String description;

    StatementKind(String description) {
        this.description = description;
    }

    boolean reads() {
        return this == SELECT || this == SHOW;
    }

    static StatementKind of(Statement s) {
        return switch (s) {
            case Drop d -> DROP;
            case Truncate t -> TRUNCATE;
            case Delete d -> DELETE;
            case Update u -> UPDATE;
            case Grant g -> GRANT;
            case Insert i -> INSERT;
            case PlainSelect p when p.getIntoTables() != null && !p.getIntoTables().isEmpty() -> SELECT_INTO;
            case Select sel -> SELECT;
            case ShowStatement sh -> SHOW;
            case ShowColumnsStatement sh -> SHOW;
            case Commit c -> TRANSACTION;
            case RollbackStatement r -> TRANSACTION;
            default -> OTHER;
        };
    }

    /** For a statement the parser cannot read: its main verb (after a WITH clause). */
    static StatementKind lexical(List<String> tokens) {
        int i = SqlTokens.mainVerbIndex(tokens);
        String verb = i < 0 ? "" : lower(tokens.get(i));
        return switch (verb) {
            case "drop" -> DROP;
            case "truncate" -> TRUNCATE;
            case "delete" -> DELETE;
            case "update" -> UPDATE;
            case "grant" -> GRANT;
            case "insert" -> INSERT;
            case "show" -> SHOW;
            case "select", "values", "table" -> SELECT;
            default -> TRANSACTION_WORDS.contains(verb) ? TRANSACTION : OTHER;
        };
    }
}
