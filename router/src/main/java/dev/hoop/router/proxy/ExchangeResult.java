package dev.hoop.router.proxy;

import io.netty.handler.codec.http.HttpRequest;
import io.netty.handler.codec.http.HttpVersion;
import java.net.SocketAddress;

/**
 * How one exchange ended, as an immutable value: made once when the exchange ends and consumed by
 * the metrics and the access log ({@link ExchangeLog}); nothing writes into it afterwards.
 *
 * @param status         the status the client got; 499 when the client left before any
 * @param bytesOut       body bytes the client got
 * @param identifier     the frontend's identifier, "-" when no route was found
 * @param totalSeconds   from the request head to the end
 * @param backendSeconds from asking for the backend connection to its response head; -1 when no backend answered
 */
record ExchangeResult(SocketAddress remote, HttpRequest request, HttpVersion clientVersion, int status, long bytesOut,
                      String identifier, double totalSeconds, double backendSeconds) {}
