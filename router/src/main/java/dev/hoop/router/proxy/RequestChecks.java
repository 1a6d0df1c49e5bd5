package dev.hoop.router.proxy;

import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaderValues;
import io.netty.handler.codec.http.HttpHeaders;
import io.netty.handler.codec.http.HttpRequest;
import java.util.Iterator;

/**
 * The request-head checks against request smuggling that come after decoding (RFC 9112, as nginx
 * applies them): one Host only (two let the router and the backend route by different ones), and
 * chunked as the only transfer coding (a backend that knows another one could frame the body
 * differently). The codec has already refused what it cannot frame (see {@link RequestCodec}).
 */
final class RequestChecks {
    /** Why a request is refused: the status and a reason that names the offending value. */
    record Refusal(int status, String reason) {}

    private RequestChecks() {}

    /** Null when the head may be forwarded. */
    static Refusal check(HttpRequest request) {
        HttpHeaders h = request.headers();
        Iterator<? extends CharSequence> hosts = h.valueCharSequenceIterator(HttpHeaderNames.HOST);
        if (hosts.hasNext()) {
            hosts.next();
            if (hosts.hasNext()) {
                return new Refusal(400, "more than one Host header ('" + String.join("', '", h.getAll(HttpHeaderNames.HOST))
                        + "'); send exactly one");
            }
        }
        if (h.contains(HttpHeaderNames.TRANSFER_ENCODING)) {
            Iterator<? extends CharSequence> codings = h.valueCharSequenceIterator(HttpHeaderNames.TRANSFER_ENCODING);
            CharSequence coding = codings.next();
            if (codings.hasNext() || !HttpHeaderValues.CHUNKED.contentEqualsIgnoreCase(coding)) {
                return new Refusal(501, "Transfer-Encoding '" + String.join(", ",
                        h.getAll(HttpHeaderNames.TRANSFER_ENCODING)) + "' is not supported (expected: chunked)");
            }
        }
        return null;
    }
}
