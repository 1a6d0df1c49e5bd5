package dev.hoop.router.driver;

/** The route store could not answer (Redis down, timeout); the request gets a 502. */
public final class RouteStoreException extends RuntimeException {
    public RouteStoreException(String message, Throwable cause) {
        super(message, cause);
    }
}
