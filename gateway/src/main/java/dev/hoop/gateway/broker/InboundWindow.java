package dev.hoop.gateway.broker;

import dev.hoop.common.wire.InboundCredit;
import dev.hoop.proto.Packet;
import io.grpc.stub.ServerCallStreamObserver;

/**
 * Inbound flow control of the broker's streams, the same for clients and agents: a stream may have
 * {@link #SIZE} packets read ahead of the one being forwarded, and a packet's credit goes back only
 * once the stream it was forwarded to has room. Static and allocation-free on the packet path; kept
 * apart so that both sides of the broker share one rule.
 */
final class InboundWindow {
    /**
     * Packets per stream that gRPC may have read ahead of the one being forwarded; also how many may
     * wait above the threshold of the stream they were forwarded to. 32: with 32 busy pgbench
     * connections on one session, 16 gave 11-21 % less throughput (the credit goes back in batches
     * of half the window); the bound is 32 packets per producing stream.
     */
    static final int SIZE = 32;

    private InboundWindow() {
    }

    /**
     * Inbound flow control of a stream: packets are still handled one at a time (each forward
     * waits for room on the other stream), but credit goes back to gRPC in batches rather than
     * one request per packet, which saved a wake-up of the transport's event loop per packet.
     * Must be called in the service method, before it returns.
     */
    static InboundCredit open(ServerCallStreamObserver<Packet> stream) {
        stream.disableAutoRequest();
        InboundCredit credit = new InboundCredit(SIZE, stream::request);
        credit.start();
        return credit;
    }

    /** A handled packet's credit goes back once the stream it was forwarded to has room. */
    static void giveBack(InboundCredit credit, OutboundStream forwardedTo) {
        if (forwardedTo == null) {
            credit.handled();
        } else {
            forwardedTo.whenReady(credit::handled);
        }
    }
}
