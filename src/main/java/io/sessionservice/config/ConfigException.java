package io.sessionservice.config;

/** A configuration that cannot work; the message tells the operator what to change. */
public class ConfigException extends RuntimeException {
    public ConfigException(String message) {
        super(message);
    }

    public ConfigException(String message, Throwable cause) {
        super(message, cause);
    }
}
