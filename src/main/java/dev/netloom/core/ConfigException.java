package dev.netloom.core;

/**
 * A configuration value or key that cannot be used. The message names the key (as
 * {@code service.key}), the value given and what was expected, so a user can fix it without
 * reading code.
 */
public final class ConfigException extends RuntimeException {
    public ConfigException(String message) {
        super(message);
    }

    /** {@code echo.port: 'abc' is not valid: expected a port number 0-65535}. */
    public static ConfigException badValue(String key, String value, String expected) {
        return new ConfigException(key + ": '" + value + "' is not valid: expected " + expected);
    }
}
