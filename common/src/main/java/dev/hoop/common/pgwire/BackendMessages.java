package dev.hoop.common.pgwire;

/**
 * Encoders for the server-to-client messages hoop writes itself (the rest is relayed from the
 * real server as it came). Each returns the whole message, type byte and length included.
 */
public final class BackendMessages {
    public static final char AUTHENTICATION = 'R';
    public static final char READY_FOR_QUERY = 'Z';
    public static final char PARAMETER_STATUS = 'S';
    public static final char BACKEND_KEY_DATA = 'K';
    public static final char NOTICE_RESPONSE = 'N';
    public static final char ERROR_RESPONSE = 'E';
    public static final char NEGOTIATE_PROTOCOL_VERSION = 'v';

    /** Authentication request codes (the Int32 after an {@code R}). */
    public static final int AUTH_OK = 0;
    public static final int AUTH_KERBEROS_V5 = 2;
    public static final int AUTH_CLEARTEXT_PASSWORD = 3;
    public static final int AUTH_MD5_PASSWORD = 5;
    public static final int AUTH_GSS = 7;
    public static final int AUTH_GSS_CONTINUE = 8;
    public static final int AUTH_SSPI = 9;
    public static final int AUTH_SASL = 10;
    public static final int AUTH_SASL_CONTINUE = 11;
    public static final int AUTH_SASL_FINAL = 12;

    /** The byte a server answers an SSLRequest or GSSENCRequest with when it will not encrypt. */
    public static final byte ENCRYPTION_REFUSED = 'N';

    private BackendMessages() {
    }

    public static byte[] authenticationOk() {
        return PgWriter.typed(AUTHENTICATION).int32(AUTH_OK).build();
    }

    /** @param transactionStatus {@code I} idle, {@code T} in a transaction, {@code E} in a failed transaction */
    public static byte[] readyForQuery(char transactionStatus) {
        if ("ITE".indexOf(transactionStatus) < 0) {
            throw new IllegalArgumentException("transactionStatus: '" + transactionStatus + "' (expected: I, T or E)");
        }
        return PgWriter.typed(READY_FOR_QUERY).int8(transactionStatus).build();
    }

    public static byte[] parameterStatus(String name, String value) {
        return PgWriter.typed(PARAMETER_STATUS).cstring(name).cstring(value).build();
    }

    public static byte[] backendKeyData(int processId, int secretKey) {
        return PgWriter.typed(BACKEND_KEY_DATA).int32(processId).int32(secretKey).build();
    }

    /** A name for an authentication request code, for error messages. */
    public static String authenticationName(int code) {
        return switch (code) {
            case AUTH_OK -> "ok";
            case AUTH_KERBEROS_V5 -> "Kerberos V5";
            case AUTH_CLEARTEXT_PASSWORD -> "cleartext password";
            case AUTH_MD5_PASSWORD -> "MD5 password";
            case AUTH_GSS, AUTH_GSS_CONTINUE -> "GSSAPI";
            case AUTH_SSPI -> "SSPI";
            case AUTH_SASL, AUTH_SASL_CONTINUE, AUTH_SASL_FINAL -> "SASL";
            default -> "unknown method " + code;
        };
    }
}
