package dev.hoop.common.pgwire;

import java.util.ArrayList;
import java.util.List;

/**
 * A streaming SQL lexer: fed the bytes of a statement text in chunks of any size, it yields per
 * statement (split at top-level {@code ;}) a bounded {@link Skeleton}: the words, symbols and quoted
 * identifiers as written, every literal's contents cut after {@code literalHeadBytes}, comments
 * dropped. Memory per lexer is bounded by {@code maxSkeletonBytes}, whatever the text's size, so a
 * statement guard can check a 1 GB statement by its skeleton.
 *
 * <p>It follows PostgreSQL's scanner (scan.l) for what decides where code ends and data begins:
 * {@code --} and nested {@code /* *}{@code /} comments, {@code '…'} with {@code ''}, {@code E'…'}
 * with backslash escapes, {@code "identifiers"} with {@code ""}, and {@code $tag$ … $tag$}. It
 * assumes {@code standard_conforming_strings = on} (the default since PostgreSQL 9.1). Bytes are
 * read as UTF-8; every character that matters is ASCII. Not thread-safe: one feeder.
 */
public final class SqlLexer {
    /** Literal contents kept per literal in a skeleton (the rest is elided as "…"). */
    public static final int DEFAULT_LITERAL_HEAD_BYTES = 256;
    /** The largest skeleton kept per statement; beyond it {@link Skeleton#overflowed()} is set. */
    public static final int DEFAULT_MAX_SKELETON_BYTES = 1 << 20;

    /**
     * One statement's skeleton. {@code text} is the tokens separated by single spaces, each literal
     * rendered as {@code 'contents'} (quotes doubled, "…" where contents were cut) whatever its
     * quoting in the source; {@code overflowed} when the tokens (not counting literal contents beyond
     * the head, nor comments) exceeded the bound, in which case {@code text} holds only the first ones.
     */
    public record Skeleton(String text, boolean overflowed) {
        /** The tokens of {@link #text}: literals keep their quotes, so a word is never a literal. */
        public List<String> tokens() {
            List<String> out = new ArrayList<>();
            int i = 0;
            int n = text.length();
            while (i < n) {
                char c = text.charAt(i);
                if (c == ' ') {
                    i++;
                    continue;
                }
                int start = i;
                if (c == '\'' || c == '"') {
                    i++;
                    while (i < n) {
                        if (text.charAt(i) == c) {
                            if (i + 1 < n && text.charAt(i + 1) == c) {
                                i += 2;
                                continue;
                            }
                            i++;
                            break;
                        }
                        i++;
                    }
                } else {
                    while (i < n && text.charAt(i) != ' ') {
                        i++;
                    }
                }
                out.add(text.substring(start, i));
            }
            return out;
        }
    }

    private enum State {
        CODE, WORD, DASH, SLASH, LINE_COMMENT, BLOCK_COMMENT, BLOCK_STAR, BLOCK_SLASH,
        STRING, STRING_QUOTE, ESTRING, ESTRING_BACKSLASH, ESTRING_QUOTE, IDENT, IDENT_QUOTE,
        DOLLAR_TAG, DOLLAR_BODY, DOLLAR_CLOSE
    }

    /** Where the tokens go: a final class, so its calls in the byte loop stay monomorphic and inline. */
    private final SkeletonWriter skeleton;
    private State state = State.CODE;
    /** The word being read (bounded by the skeleton's bound: its bytes go there as they come). */
    private final ByteText word;
    private int commentDepth;
    /** Dollar quoting: the opening tag (between the dollars) and how much of the closing one matched. */
    private final ByteText tag;
    private int tagMatched;

    public SqlLexer() {
        this(DEFAULT_LITERAL_HEAD_BYTES, DEFAULT_MAX_SKELETON_BYTES);
    }

    public SqlLexer(int literalHeadBytes, int maxSkeletonBytes) {
        if (literalHeadBytes < 0 || maxSkeletonBytes < 16) {
            throw new IllegalArgumentException("literalHeadBytes " + literalHeadBytes + ", maxSkeletonBytes "
                    + maxSkeletonBytes + " (expected: >= 0 and >= 16)");
        }
        this.skeleton = new SkeletonWriter(literalHeadBytes, maxSkeletonBytes);
        this.word = new ByteText(maxSkeletonBytes);
        this.tag = new ByteText(maxSkeletonBytes);
    }

    public void feed(byte[] chunk) {
        feed(chunk, 0, chunk.length);
    }

    public void feed(byte[] chunk, int offset, int length) {
        for (int i = offset, end = offset + length; i < end; i++) {
            step(chunk[i]);
        }
    }

    /** The end of the text: the statement being read (an unterminated literal or comment included) ends here. */
    public void end() {
        switch (state) {
            case WORD -> emitWord();
            case DASH -> skeleton.token("-");
            case SLASH -> skeleton.token("/");
            case STRING, STRING_QUOTE, ESTRING, ESTRING_BACKSLASH, ESTRING_QUOTE, DOLLAR_BODY, DOLLAR_CLOSE -> skeleton.closeLiteral();
            case IDENT, IDENT_QUOTE -> skeleton.closeIdent();
            case DOLLAR_TAG -> {
                skeleton.token("$");
                if (tag.length() > 0) {
                    skeleton.token(tag.toString());
                }
            }
            default -> { }
        }
        state = State.CODE;
        skeleton.finishStatement();
    }

    /** The statements completed since the last call, in order. */
    public List<Skeleton> takeStatements() {
        return skeleton.takeStatements();
    }

    private void step(byte b) {
        switch (state) {
            case CODE -> code(b);
            case WORD -> {
                if (b == '$' && isDigit(word.at(0))) { // "1$$": a number, then a dollar quote
                    emitWord();
                    state = State.CODE;
                    code(b);
                } else if (isIdentChar(b)) {
                    if (!word.append(b)) {
                        skeleton.markOverflowed();
                    }
                } else if (b == '\'' && word.length() == 1 && (word.at(0) == 'e' || word.at(0) == 'E')) {
                    word.clear();
                    skeleton.openLiteral();
                    state = State.ESTRING;
                } else {
                    emitWord();
                    state = State.CODE;
                    code(b);
                }
            }
            case DASH -> {
                if (b == '-') {
                    state = State.LINE_COMMENT;
                } else {
                    skeleton.token("-");
                    state = State.CODE;
                    code(b);
                }
            }
            case SLASH -> {
                if (b == '*') {
                    commentDepth = 1;
                    state = State.BLOCK_COMMENT;
                } else {
                    skeleton.token("/");
                    state = State.CODE;
                    code(b);
                }
            }
            case LINE_COMMENT -> {
                if (b == '\n' || b == '\r') {
                    state = State.CODE;
                }
            }
            case BLOCK_COMMENT -> blockComment(b);
            case BLOCK_STAR -> {
                if (b == '/') {
                    state = --commentDepth == 0 ? State.CODE : State.BLOCK_COMMENT;
                } else {
                    state = State.BLOCK_COMMENT;
                    blockComment(b);
                }
            }
            case BLOCK_SLASH -> {
                if (b == '*') {
                    commentDepth++;
                    state = State.BLOCK_COMMENT;
                } else {
                    state = State.BLOCK_COMMENT;
                    blockComment(b);
                }
            }
            case STRING -> {
                if (b == '\'') {
                    state = State.STRING_QUOTE;
                } else {
                    skeleton.literal(b);
                }
            }
            case STRING_QUOTE -> {
                if (b == '\'') { // '' inside a literal is one quote
                    skeleton.literal(b);
                    state = State.STRING;
                } else {
                    skeleton.closeLiteral();
                    state = State.CODE;
                    code(b);
                }
            }
            case ESTRING -> {
                if (b == '\\') {
                    skeleton.literal(b);
                    state = State.ESTRING_BACKSLASH;
                } else if (b == '\'') {
                    state = State.ESTRING_QUOTE;
                } else {
                    skeleton.literal(b);
                }
            }
            case ESTRING_BACKSLASH -> {
                skeleton.literal(b); // whatever follows a backslash, a quote included, is data
                state = State.ESTRING;
            }
            case ESTRING_QUOTE -> {
                if (b == '\'') {
                    skeleton.literal(b);
                    state = State.ESTRING;
                } else {
                    skeleton.closeLiteral();
                    state = State.CODE;
                    code(b);
                }
            }
            case IDENT -> {
                if (b == '"') {
                    state = State.IDENT_QUOTE;
                } else {
                    skeleton.identByte(b);
                }
            }
            case IDENT_QUOTE -> {
                if (b == '"') {
                    skeleton.identByte(b);
                    state = State.IDENT;
                } else {
                    skeleton.closeIdent();
                    state = State.CODE;
                    code(b);
                }
            }
            case DOLLAR_TAG -> {
                if (b == '$') {
                    skeleton.openLiteral();
                    tagMatched = -1;
                    state = State.DOLLAR_BODY;
                } else if (isIdentStart(b) || (tag.length() > 0 && isDigit(b))) {
                    if (!tag.append(b)) {
                        skeleton.markOverflowed(); // a tag larger than the bound: the statement is refused anyway
                    }
                } else {
                    // Not a dollar quote: "$" and what followed it are ordinary tokens.
                    skeleton.token("$");
                    if (tag.length() > 0) {
                        skeleton.token(tag.toString());
                    }
                    tag.clear();
                    state = State.CODE;
                    code(b);
                }
            }
            case DOLLAR_BODY -> {
                if (b == '$') {
                    tagMatched = 0;
                    state = State.DOLLAR_CLOSE;
                } else {
                    skeleton.literal(b);
                }
            }
            case DOLLAR_CLOSE -> {
                if (tagMatched == tag.length() && b == '$') {
                    tag.clear();
                    skeleton.closeLiteral();
                    state = State.CODE;
                } else if (tagMatched < tag.length() && tag.at(tagMatched) == b) {
                    tagMatched++;
                } else {
                    // Not the closing tag: the "$" and the matched part were contents. A tag holds
                    // no "$", so a new closing tag can only start at this byte.
                    skeleton.literal((byte) '$');
                    for (int i = 0; i < tagMatched; i++) {
                        skeleton.literal(tag.at(i));
                    }
                    if (b == '$') {
                        tagMatched = 0;
                    } else {
                        skeleton.literal(b);
                        state = State.DOLLAR_BODY;
                    }
                }
            }
        }
    }

    private void code(byte b) {
        switch (b) {
            case ' ', '\t', '\n', '\r', '\f' -> { }
            case ';' -> skeleton.finishStatement();
            case '-' -> state = State.DASH;
            case '/' -> state = State.SLASH;
            case '\'' -> {
                skeleton.openLiteral();
                state = State.STRING;
            }
            case '"' -> {
                skeleton.openIdent();
                state = State.IDENT;
            }
            case '$' -> {
                tag.clear();
                state = State.DOLLAR_TAG;
            }
            default -> {
                if (isIdentChar(b)) {
                    word.clear();
                    word.append(b);
                    state = State.WORD;
                } else {
                    skeleton.token(String.valueOf((char) (b & 0xff)));
                }
            }
        }
    }

    private void blockComment(byte b) {
        if (b == '*') {
            state = State.BLOCK_STAR;
        } else if (b == '/') {
            state = State.BLOCK_SLASH;
        }
    }

    private void emitWord() {
        skeleton.word(word);
        word.clear();
    }

    private static boolean isIdentStart(byte b) {
        return (b >= 'a' && b <= 'z') || (b >= 'A' && b <= 'Z') || b == '_' || (b & 0x80) != 0;
    }

    private static boolean isDigit(byte b) {
        return b >= '0' && b <= '9';
    }

    /** Identifier, keyword, number and parameter ({@code $1}) characters: they glue into one word. */
    private static boolean isIdentChar(byte b) {
        return isIdentStart(b) || isDigit(b) || b == '$';
    }
}
