package dev.hoop.agent.postgres;

import dev.hoop.agent.guardrails.Block;
import dev.hoop.agent.guardrails.SqlGuardrails;
import dev.hoop.common.guardrails.GuardrailRules;
import dev.hoop.common.pgwire.ErrorResponse;
import dev.hoop.common.pgwire.FrontendFramer;
import dev.hoop.common.pgwire.FrontendMessages;
import dev.hoop.common.pgwire.SqlLexer;
import dev.hoop.common.pgwire.StartupPacket;

/**
 * The client-to-server direction: hands startup packets to the session and relays typed messages
 * as they arrive, whatever their size (PostgreSQL's own limit is 1 GB), holding none of them whole.
 * The SQL of every Query and Parse streams through a {@link SqlLexer} while it is relayed; when
 * its terminating NUL arrives, {@link PasswordChangeGuard} has seen every statement's skeleton. A
 * refused statement's NUL and the rest of its message are sent as spaces, so the server cannot read
 * the string and runs nothing; {@link RefusalMarkers} turns its error into the refusal. The
 * connection's guardrails ({@link SqlGuardrails}) judge every statement the same way, before the
 * password guard; each block is also reported to {@code blocked} (the session's audit record).
 */
final class ClientFilter implements FrontendFramer.Listener {
    /** What the session does with the parts that are not relayed. */
    interface Session {
        void startupPacket(StartupPacket packet);

        void malformed(String reason);
    }

    /** Where in a streamed Query/Parse body the filter is. */
    private enum Part { NAME, SQL, REST, SPOILED }

    private static final byte[] SPACES = new byte[8192];

    static {
        java.util.Arrays.fill(SPACES, (byte) ' ');
    }

    private final Session session;
    private static final char FUNCTION_CALL = 'F';
    /** A Query message whose SQL string lacks its NUL: the server refuses it unread ("invalid string in message"). */
    private static final byte[] SPOILED_QUERY = {'Q', 0, 0, 0, 5, ' '};
    private final RefusalMarkers markers;
    private final FrontendFramer framer;
    private final ChunkAssembler out = new ChunkAssembler();
    private Part part;
    private long batch;
    private SqlLexer lexer;
    private ErrorResponse refusal;
    private final SqlGuardrails guardrails;
    private final java.util.function.Consumer<Block> blocked;

    ClientFilter(Session session, RefusalMarkers markers) {
        this(session, markers, new SqlGuardrails(GuardrailRules.NONE), b -> { });
    }

    ClientFilter(Session session, RefusalMarkers markers, SqlGuardrails guardrails, java.util.function.Consumer<Block> blocked) {
        this.session = session;
        this.markers = markers;
        this.framer = new FrontendFramer(this, 0, true);
        this.guardrails = guardrails;
        this.blocked = blocked;
    }

    /** With guardrails, literals are kept long enough to read DO and function bodies. */
    private SqlLexer newLexer() {
        return guardrails.active() ? SqlGuardrails.newLexer() : new SqlLexer();
    }

    /** The refusal a guardrail gives a statement (PostgreSQL's insufficient_privilege), naming the rule. */
    static ErrorResponse refusal(Block block) {
        return ErrorResponse.error("42501", block.describe(),
                "The connection's guardrails do not allow this statement; ask an administrator if you need it to run.");
    }

    /** The bytes to send to the server for this chunk from the client (often the same array). */
    byte[] filter(byte[] fromClient) {
        out.begin(fromClient);
        framer.feed(fromClient);
        return out.finish();
    }

    @Override
    public void startupPacket(StartupPacket packet) {
        if (packet instanceof StartupPacket.StartupMessage) {
            markers.requestSent(); // answered by the ReadyForQuery that ends the startup
        }
        session.startupPacket(packet);
    }

    @Override
    public boolean stream(char type, int bodyLength) {
        batch = markers.requests();
        if (type == FrontendMessages.QUERY || type == FrontendMessages.SYNC || type == FUNCTION_CALL) {
            markers.requestSent();
        }
        return type == FrontendMessages.QUERY || type == FrontendMessages.PARSE;
    }

    @Override
    public void bodyStart(char type, int bodyLength) {
        part = type == FrontendMessages.QUERY ? Part.SQL : Part.NAME; // Parse: statement name, then the SQL
        lexer = part == Part.SQL ? newLexer() : null;
        refusal = null;
    }

    @Override
    public void body(byte[] bytes, int offset, int length) {
        int p = offset;
        int end = offset + length;
        while (p < end) {
            switch (part) {
                case NAME -> {
                    int nul = indexOfNul(bytes, p, end);
                    int n = (nul < 0 ? end : nul + 1) - p;
                    out.append(bytes, p, n);
                    p += n;
                    if (nul >= 0) {
                        part = Part.SQL;
                        lexer = newLexer();
                    }
                }
                case SQL -> {
                    int nul = indexOfNul(bytes, p, end);
                    int n = (nul < 0 ? end : nul) - p;
                    lexer.feed(bytes, p, n);
                    check();
                    out.append(bytes, p, n);
                    p += n;
                    if (nul >= 0) {
                        lexer.end();
                        check();
                        lexer = null;
                        if (refusal == null) {
                            part = Part.REST;
                        } else {
                            markers.register(batch, refusal);
                            part = Part.SPOILED;
                        }
                    }
                }
                case REST -> {
                    out.append(bytes, p, end - p);
                    p = end;
                }
                case SPOILED -> {
                    int n = Math.min(end - p, SPACES.length);
                    out.append(SPACES, 0, n);
                    p += n;
                }
            }
        }
    }

    @Override
    public void bodyEnd() {
        // A SQL text without its NUL (part SQL) is relayed as it came: the server rejects it unread.
        part = null;
        lexer = null;
        refusal = null;
    }

    /** Checks the statements the lexer completed; the first refusal stands. */
    private void check() {
        for (SqlLexer.Skeleton statement : lexer.takeStatements()) {
            if (refusal == null && guardrails.active()) {
                Block block = guardrails.check(statement);
                if (block != null) {
                    refusal = refusal(block);
                    blocked.accept(block);
                }
            }
            if (refusal == null) {
                refusal = PasswordChangeGuard.check(statement);
            }
        }
    }

    /** With guardrails, a fastpath FunctionCall is taken out of the stream (it names a function by OID, past every rule). */
    @Override
    public boolean capture(char type, int bodyLength) {
        return type == FUNCTION_CALL && guardrails.active();
    }

    @Override
    public void message(char type, byte[] body) {
        refuseFunctionCall(type);
    }

    @Override
    public void oversized(char type, int bodyLength) {
        refuseFunctionCall(type); // the framer skips the body: none of it reaches the server
    }

    /**
     * In its place the server gets a Query whose SQL string is spoiled (no NUL, as a refused
     * statement's): it answers with an error and ReadyForQuery, as it would the call, and that
     * error becomes the rule-named refusal. Nothing runs.
     */
    private void refuseFunctionCall(char type) {
        if (type != FUNCTION_CALL) {
            throw new IllegalStateException("only FunctionCall is captured, not '" + type + "'");
        }
        Block block = new Block("fastpath", "fastpath function calls (FunctionCall messages) are not allowed on a connection with"
                + " guardrails; call the function in SQL, where the rules can judge it");
        blocked.accept(block);
        markers.register(batch, refusal(block));
        out.append(SPOILED_QUERY, 0, SPOILED_QUERY.length);
    }

    @Override
    public void raw(byte[] bytes, int offset, int length) {
        out.append(bytes, offset, length);
    }

    @Override
    public void malformed(String reason) {
        session.malformed(reason);
    }

    private static int indexOfNul(byte[] bytes, int from, int end) {
        for (int i = from; i < end; i++) {
            if (bytes[i] == 0) {
                return i;
            }
        }
        return -1;
    }
}
