package dev.hoop.common.config;

/** A configuration value that is missing or wrong; the message names it and says what was expected. */
public final class ConfigException extends RuntimeException {
    public ConfigException(String message) {
        super(message);
    }

    public ConfigException(String message, Throwable cause) {
        super(message, cause);
    }
}
