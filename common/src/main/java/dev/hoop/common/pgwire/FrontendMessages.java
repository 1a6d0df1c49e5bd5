package dev.hoop.common.pgwire;

/**
 * Type bytes of client-to-server messages and encoders for the ones hoop writes itself (password
 * answers while the agent authenticates, and test traffic). Each encoder returns the whole message.
 */
public final class FrontendMessages {
    public static final char QUERY = 'Q';
    public static final char PARSE = 'P';
    public static final char BIND = 'B';
    public static final char EXECUTE = 'E';
    public static final char DESCRIBE = 'D';
    public static final char SYNC = 'S';
    public static final char FLUSH = 'H';
    public static final char CLOSE = 'C';
    public static final char TERMINATE = 'X';
    public static final char COPY_DATA = 'd';
    public static final char COPY_DONE = 'c';
    public static final char COPY_FAIL = 'f';
    public static final char FUNCTION_CALL = 'F';
    /** PasswordMessage, SASLInitialResponse and SASLResponse all use {@code p}. */
    public static final char PASSWORD = 'p';

    private FrontendMessages() {
    }

    public static byte[] query(String sql) {
        return PgWriter.typed(QUERY).cstring(sql).build();
    }

    public static byte[] parse(String statement, String sql) {
        return PgWriter.typed(PARSE).cstring(statement).cstring(sql).int16(0).build();
    }

    /**
     * Bind with every parameter in text format except where {@code binary} says otherwise; a null
     * value is SQL NULL.
     */
    public static byte[] bind(String portal, String statement, byte[][] values, boolean[] binary) {
        PgWriter w = PgWriter.typed(BIND).cstring(portal).cstring(statement).int16(binary.length);
        for (boolean b : binary) {
            w.int16(b ? 1 : 0);
        }
        w.int16(values.length);
        for (byte[] v : values) {
            if (v == null) {
                w.int32(-1);
            } else {
                w.int32(v.length).bytes(v);
            }
        }
        return w.int16(0).build();
    }

    public static byte[] execute(String portal, int maxRows) {
        return PgWriter.typed(EXECUTE).cstring(portal).int32(maxRows).build();
    }

    /** @param kind {@code S} for a prepared statement, {@code P} for a portal */
    public static byte[] describe(char kind, String name) {
        return PgWriter.typed(DESCRIBE).int8(kind).cstring(name).build();
    }

    public static byte[] sync() {
        return PgWriter.typed(SYNC).build();
    }

    public static byte[] copyData(byte[] data) {
        return PgWriter.typed(COPY_DATA).bytes(data).build();
    }

    public static byte[] copyDone() {
        return PgWriter.typed(COPY_DONE).build();
    }

    public static byte[] terminate() {
        return PgWriter.typed(TERMINATE).build();
    }

    /** A PasswordMessage: the cleartext or {@code md5…} password, NUL-terminated. */
    public static byte[] password(String password) {
        return PgWriter.typed(PASSWORD).cstring(password).build();
    }

    public static byte[] saslInitialResponse(String mechanism, byte[] data) {
        return PgWriter.typed(PASSWORD).cstring(mechanism).int32(data.length).bytes(data).build();
    }

    public static byte[] saslResponse(byte[] data) {
        return PgWriter.typed(PASSWORD).bytes(data).build();
    }
}
