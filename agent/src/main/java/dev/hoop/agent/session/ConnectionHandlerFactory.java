package dev.hoop.agent.session;

import dev.hoop.common.wire.ConnectionParams;

/**
 * Opens a {@link ConnectionHandler} per client connection for one connection type (postgres,
 * tcp, …). The stream controller keeps one factory per type and routes packets by
 * (session id, client connection id) to the handlers it opened.
 */
public interface ConnectionHandlerFactory {
    /**
     * @param params   the connection's settings and secrets (from {@code agent.connection_params})
     * @param toClient where the handler sends bytes for this client connection
     */
    ConnectionHandler open(ConnectionParams params, ClientSink toClient);

    /**
     * The same with the session's data masking. A factory that cannot mask refuses when masking is
     * on (fail closed): this default does.
     */
    default ConnectionHandler open(ConnectionParams params, ClientSink toClient, dev.hoop.agent.dlp.SessionMasking masking) {
        if (masking.enabled()) {
            throw new IllegalStateException("connection '" + params.name() + "' has data masking configured, which its type ("
                    + params.type() + ") does not support; the connection was refused");
        }
        return open(params, toClient);
    }
}
