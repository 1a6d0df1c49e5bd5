package dev.hoop.gateway.search;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.apache.lucene.analysis.Analyzer;
import org.apache.lucene.analysis.TokenStream;
import org.apache.lucene.analysis.tokenattributes.CharTermAttribute;
import org.apache.lucene.document.IntPoint;
import org.apache.lucene.document.LongPoint;
import org.apache.lucene.index.Term;
import org.apache.lucene.search.BooleanClause.Occur;
import org.apache.lucene.search.BooleanQuery;
import org.apache.lucene.search.MatchAllDocsQuery;
import org.apache.lucene.search.MatchNoDocsQuery;
import org.apache.lucene.search.PhraseQuery;
import org.apache.lucene.search.PrefixQuery;
import org.apache.lucene.search.Query;
import org.apache.lucene.search.TermQuery;

/**
 * Turns a {@link SearchQuery} into a Lucene query. Who may see what is not part of the user's text:
 * the org (always) and, for non-admins, the owner are FILTER clauses added here, so no query can
 * widen them.
 */
final class LuceneQueries {
    private LuceneQueries() {}

    /**
     * @param owner the only user whose sessions match, or null for an admin (every session of the org)
     */
    static Query build(SearchQuery q, UUID org, UUID owner, Analyzer analyzer) {
        BooleanQuery.Builder b = new BooleanQuery.Builder();
        b.add(new TermQuery(new Term(SessionDocs.ORG, org.toString())), Occur.FILTER);
        if (owner != null) {
            b.add(new TermQuery(new Term(SessionDocs.USER_ID, owner.toString())), Occur.FILTER);
        }
        // several values of one qualifier are alternatives (connection:a connection:b); different qualifiers all apply
        Map<String, List<Query>> any = new LinkedHashMap<>();
        boolean scored = false;
        for (SearchQuery.Term t : q.terms()) {
            Query one = t.text() ? text(t, analyzer) : qualifier(t);
            if (one == null) {
                continue; // punctuation only: nothing to look for
            }
            if (t.negated()) {
                b.add(one, Occur.MUST_NOT);
            } else if (t.text()) {
                b.add(one, Occur.MUST);
                scored = true;
            } else {
                any.computeIfAbsent(t.key(), k -> new ArrayList<>()).add(one);
            }
        }
        for (List<Query> alternatives : any.values()) {
            if (alternatives.size() == 1) {
                b.add(alternatives.getFirst(), Occur.FILTER);
            } else {
                BooleanQuery.Builder or = new BooleanQuery.Builder();
                alternatives.forEach(a -> or.add(a, Occur.SHOULD));
                b.add(or.build(), Occur.FILTER);
            }
        }
        if (!scored) {
            b.add(new MatchAllDocsQuery(), Occur.MUST);
        }
        return b.build();
    }

    private static Query qualifier(SearchQuery.Term t) {
        String v = t.value();
        return switch (t.key()) {
            case "connection" -> new TermQuery(new Term(SessionDocs.CONNECTION, v));
            case "user" -> new TermQuery(new Term(SessionDocs.USER, v));
            case "verb" -> new TermQuery(new Term(SessionDocs.VERB, v));
            case "type" -> new TermQuery(new Term(SessionDocs.TYPE, v));
            case "is" -> new TermQuery(new Term(SessionDocs.IS, v));
            case "exit" -> IntPoint.newExactQuery(SessionDocs.EXIT, Integer.parseInt(v));
            case "id" -> SearchQuery.uuidOrNull(v) != null ? new TermQuery(new Term(SessionDocs.ID, v)) : new PrefixQuery(new Term(SessionDocs.ID, v));
            case "after" -> LongPoint.newRangeQuery(SessionDocs.STARTED, SearchQuery.instant("after", v).toInstant().toEpochMilli(), Long.MAX_VALUE);
            case "before" -> {
                long until = SearchQuery.instant("before", v).toInstant().toEpochMilli();
                yield until == Long.MIN_VALUE ? new MatchNoDocsQuery() : LongPoint.newRangeQuery(SessionDocs.STARTED, Long.MIN_VALUE, until - 1);
            }
            default -> throw new IllegalStateException("qualifier " + t.key() + " has no query");
        };
    }

    /**
     * A word or phrase, in the input or the output; a word the analyser splits (pg_dump.sql) is a phrase.
     * Null when it has no searchable characters.
     */
    private static Query text(SearchQuery.Term t, Analyzer analyzer) {
        List<String> tokens = tokens(analyzer, t.value());
        if (tokens.isEmpty()) {
            return null;
        }
        BooleanQuery.Builder either = new BooleanQuery.Builder();
        for (String field : List.of(SessionDocs.INPUT, SessionDocs.OUTPUT)) {
            if (tokens.size() == 1) {
                either.add(new TermQuery(new Term(field, tokens.getFirst())), Occur.SHOULD);
            } else {
                either.add(new PhraseQuery(field, tokens.toArray(String[]::new)), Occur.SHOULD);
            }
        }
        return either.build();
    }

    static List<String> tokens(Analyzer analyzer, String text) {
        List<String> out = new ArrayList<>();
        try (TokenStream ts = analyzer.tokenStream(SessionDocs.INPUT, text)) {
            CharTermAttribute term = ts.addAttribute(CharTermAttribute.class);
            ts.reset();
            while (ts.incrementToken()) {
                out.add(term.toString());
            }
            ts.end();
        } catch (IOException e) {
            throw new UncheckedIOException("search: analysing '" + text + "'", e);
        }
        return out;
    }
}
