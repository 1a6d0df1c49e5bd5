package dev.hoop.common.pgwire;

import dev.hoop.common.pgwire.SqlLexer.Skeleton;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/**
 * Where {@link SqlLexer} writes the tokens it recognises: the bounded skeleton of the statement being
 * read (tokens separated by single spaces, literal contents cut after the head, quotes doubled) and
 * the statements completed so far. The lexer decides what a token is; this decides how it is kept.
 */
final class SkeletonWriter {
    /** Written where a literal's contents were cut. */
    private static final byte[] ELISION = "…".getBytes(StandardCharsets.UTF_8);

    private final int literalHeadBytes;
    private final ByteText text;
    private final List<Skeleton> done = new ArrayList<>();
    private boolean overflowed;
    /** The contents read of the literal being written, counted past the head too. */
    private long literalBytes;

    SkeletonWriter(int literalHeadBytes, int maxSkeletonBytes) {
        this.literalHeadBytes = literalHeadBytes;
        this.text = new ByteText(maxSkeletonBytes);
    }

    /** Something of the statement (a word, a dollar tag) did not fit its bound. */
    void markOverflowed() {
        overflowed = true;
    }

    void word(ByteText word) {
        startToken();
        for (int i = 0; i < word.length(); i++) {
            append(word.at(i));
        }
    }

    void token(String token) {
        startToken();
        for (byte x : token.getBytes(StandardCharsets.UTF_8)) {
            append(x);
        }
    }

    void openLiteral() {
        startToken();
        append((byte) '\'');
        literalBytes = 0;
    }

    /** One byte of a literal's contents: kept within the head, a quote doubled as the skeleton quotes with {@code '}. */
    void literal(byte b) {
        literalBytes++;
        if (literalBytes <= literalHeadBytes) {
            if (b == '\'') {
                append(b);
            }
            append(b);
        }
    }

    void closeLiteral() {
        if (literalBytes > literalHeadBytes) {
            for (byte x : ELISION) {
                append(x);
            }
        }
        append((byte) '\'');
    }

    void openIdent() {
        startToken();
        append((byte) '"');
    }

    void identByte(byte b) {
        if (b == '"') {
            append(b);
        }
        append(b);
    }

    void closeIdent() {
        append((byte) '"');
    }

    /** The statement ends (a top-level {@code ;} or the end of the text): an empty one is not kept. */
    void finishStatement() {
        if (text.length() > 0 || overflowed) {
            done.add(new Skeleton(text.toString(), overflowed));
        }
        text.clear();
        overflowed = false;
    }

    List<Skeleton> takeStatements() {
        List<Skeleton> out = List.copyOf(done);
        done.clear();
        return out;
    }

    private void startToken() {
        if (text.length() > 0) {
            append((byte) ' ');
        }
    }

    private void append(byte b) {
        if (!text.append(b)) {
            overflowed = true;
        }
    }
}
