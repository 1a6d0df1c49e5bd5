package dev.hoop.router.proxy;

import io.netty.channel.Channel;
import java.net.InetSocketAddress;
import java.net.SocketAddress;

/**
 * The client side of a connection as the request path needs it: its address (access log), the
 * address as forwarded in X-Forwarded-For / X-Real-IP, and the port it connected to
 * (X-Forwarded-Port). Made once per connection and handed to each exchange, so that no stage
 * reaches back into the front end for it.
 */
record ClientConnection(SocketAddress remote, String ip, String localPort) {
    static ClientConnection of(Channel ch) {
        SocketAddress remote = ch.remoteAddress();
        String ip = remote instanceof InetSocketAddress a && a.getAddress() != null ? a.getAddress().getHostAddress()
                : "127.0.0.1";
        Channel listener = ch.parent() != null ? ch.parent() : ch; // an HTTP/2 stream's port is its connection's
        int port = listener.localAddress() instanceof InetSocketAddress a ? a.getPort() : 0;
        return new ClientConnection(remote, ip, Integer.toString(port));
    }
}
