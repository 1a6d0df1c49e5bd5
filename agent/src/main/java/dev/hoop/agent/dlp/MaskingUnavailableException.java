package dev.hoop.agent.dlp;

/**
 * Masking could not be done (a remote provider timed out, refused or answered nonsense): the
 * caller withholds the data and tells the client. The message never quotes the data being masked
 * nor a credential, so it may be shown to the client and logged.
 */
public final class MaskingUnavailableException extends RuntimeException {
    public MaskingUnavailableException(String message) {
        super(message);
    }

    public MaskingUnavailableException(String message, Throwable cause) {
        super(message, cause);
    }
}
