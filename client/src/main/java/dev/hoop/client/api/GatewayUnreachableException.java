package dev.hoop.client.api;

/** No HTTP answer from the gateway at all (refused, unknown host, timeout, TLS failure). */
public final class GatewayUnreachableException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    public GatewayUnreachableException(String message, Throwable cause) {
        super(message, cause);
    }
}
