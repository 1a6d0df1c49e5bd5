package dev.hoop.client.session;

import static dev.hoop.client.session.SessionStream.Offer.ENDED;
import static dev.hoop.client.session.SessionStream.Offer.SENT;
import static dev.hoop.client.session.SessionStream.Offer.WAITING;
import static org.assertj.core.api.Assertions.assertThat;

import com.google.protobuf.ByteString;
import dev.hoop.client.session.SessionStream.Offer;
import dev.hoop.proto.Packet;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelOutboundHandlerAdapter;
import io.netty.channel.embedded.EmbeddedChannel;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Consumer;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * One local socket of {@code hoop connect}: each chunk read becomes one packet to the gateway,
 * tagged with the socket's {@code client.connection_id}, and the next read is requested only once
 * the stream took the packet. When the stream is full the packets wait in order for its room
 * callback (run on the socket's event loop); when it has ended the socket closes and what waits is
 * dropped. Each step asserts every offer to the stream and every read request, in order, and
 * nothing else.
 */
class LocalSocketHandlerTest {
    private static final String ID = "7";
    private static final String TCP_WRITE = "AgentTCPConnectionWrite";
    private static final String PG_WRITE = "AgentPGConnectionWrite";

    /** What the handler did: offered a packet to the stream (and got an answer), or asked the socket to read. */
    sealed interface Event permits Offered, Read {}

    record Offered(Packet packet, Offer answer) implements Event {}

    record Read() implements Event {}

    private static final Read READ = new Read();

    /** A stand-in for the gRPC stream: answers each offer from the step's script and keeps the room callbacks. */
    static final class ScriptedSink implements PacketSink {
        final List<Event> events;
        final ArrayDeque<Offer> answers = new ArrayDeque<>();
        final List<Runnable> roomWaiters = new ArrayList<>();

        ScriptedSink(List<Event> events) {
            this.events = events;
        }

        @Override
        public Offer sendOrWait(Packet packet, Runnable onRoom) {
            // an offer the step did not script is answered SENT and still recorded, so the step's exact list fails
            Offer answer = answers.isEmpty() ? SENT : answers.poll();
            events.add(new Offered(packet, answer));
            if (answer == WAITING) {
                roomWaiters.add(onRoom);
            }
            return answer;
        }
    }

    /** Records each read request the handler makes towards the socket. */
    static final class ReadRecorder extends ChannelOutboundHandlerAdapter {
        final List<Event> events;

        ReadRecorder(List<Event> events) {
            this.events = events;
        }

        @Override
        public void read(ChannelHandlerContext ctx) {
            events.add(READ);
            ctx.read();
        }
    }

    record Harness(EmbeddedChannel ch, ScriptedSink sink) {}

    /** One thing that happens to the socket, the stream's answers to the offers it causes, and what must follow. */
    record Step(String what, Consumer<Harness> action, List<Offer> answers, List<Event> expected) {
        @Override
        public String toString() {
            return what;
        }
    }

    static Step step(String what, Consumer<Harness> action, List<Offer> answers, Event... expected) {
        return new Step(what, action, answers, List.of(expected));
    }

    static Step activate(List<Offer> answers, Event... expected) {
        return step("the socket becomes active", h -> {
            try {
                h.ch().register();
            } catch (Exception e) {
                throw new AssertionError(e);
            }
        }, answers, expected);
    }

    static Step chunk(String text, List<Offer> answers, Event... expected) {
        return step("the client sends '" + text + "'", h -> {
            ByteBuf buf = Unpooled.copiedBuffer(text, StandardCharsets.UTF_8);
            h.ch().writeInbound(buf);
            assertThat(buf.refCnt()).as("the chunk's buffer is released").isZero();
        }, answers, expected);
    }

    /** The stream signals room: the callbacks only hand over to the socket's event loop. */
    static Step roomSignalled() {
        return step("the stream signals room", h -> {
            assertThat(h.sink().roomWaiters).as("a room callback was registered").isNotEmpty();
            List<Runnable> wake = List.copyOf(h.sink().roomWaiters);
            h.sink().roomWaiters.clear();
            wake.forEach(Runnable::run);
        }, List.of());
    }

    static Step loopRuns(List<Offer> answers, Event... expected) {
        return step("the event loop runs its tasks", h -> h.ch().runPendingTasks(), answers, expected);
    }

    static Step clientCloses(List<Offer> answers, Event... expected) {
        return step("the client closes", h -> h.ch().close(), answers, expected);
    }

    static Step reset(List<Offer> answers, Event... expected) {
        return step("the socket fails", h -> {
            h.ch().pipeline().fireExceptionCaught(new IOException("Connection reset by peer"));
            h.ch().runPendingTasks();
        }, answers, expected);
    }

    static Packet data(String type, String text) {
        return Packet.newBuilder().setType(type)
                .putSpec("client.connection_id", ByteString.copyFromUtf8(ID))
                .setPayload(ByteString.copyFromUtf8(text)).build();
    }

    static Packet serverConnect() {
        return Packet.newBuilder().setType(TCP_WRITE)
                .putSpec("client.connection_id", ByteString.copyFromUtf8(ID))
                .putSpec("tcp.server_connect", ByteString.copyFromUtf8("true")).build();
    }

    static Packet closeConnection() {
        return Packet.newBuilder().setType("AgentCloseTCPConnection")
                .putSpec("client.connection_id", ByteString.copyFromUtf8(ID)).build();
    }

    static Offered offered(Packet p, Offer answer) {
        return new Offered(p, answer);
    }

    /** name, write type, server connect (TCP), the steps, whether the socket is open at the end */
    static Stream<Arguments> cases() {
        return Stream.of(
                Arguments.of("a chunk is one packet; the next read only after the stream took it", PG_WRITE, false, List.of(
                        activate(List.of(), READ),
                        chunk("select 1;", List.of(SENT), offered(data(PG_WRITE, "select 1;"), SENT), READ),
                        chunk("select 2;", List.of(SENT), offered(data(PG_WRITE, "select 2;"), SENT), READ)), true),
                Arguments.of("the stream is full: no read until its room callback ran on the socket's loop", PG_WRITE, false, List.of(
                        activate(List.of(), READ),
                        chunk("a", List.of(WAITING), offered(data(PG_WRITE, "a"), WAITING)),
                        roomSignalled(),
                        // the room is gone again by the time the loop runs: wait once more
                        loopRuns(List.of(WAITING), offered(data(PG_WRITE, "a"), WAITING)),
                        roomSignalled(),
                        loopRuns(List.of(SENT), offered(data(PG_WRITE, "a"), SENT), READ)), true),
                Arguments.of("TCP: the server-connect packet goes out on activation", TCP_WRITE, true, List.of(
                        activate(List.of(SENT), offered(serverConnect(), SENT), READ),
                        chunk("hi", List.of(SENT), offered(data(TCP_WRITE, "hi"), SENT), READ)), true),
                Arguments.of("TCP, stream full on activation: the socket reads anyway, the outbox flushes in order",
                        TCP_WRITE, true, List.of(
                        activate(List.of(WAITING), offered(serverConnect(), WAITING), READ),
                        chunk("x", List.of()), // behind the server-connect packet: not offered yet
                        roomSignalled(),
                        loopRuns(List.of(SENT, SENT), offered(serverConnect(), SENT), offered(data(TCP_WRITE, "x"), SENT), READ)), true),
                Arguments.of("the client closes: the close goes out with nothing pending", TCP_WRITE, false, List.of(
                        activate(List.of(), READ),
                        clientCloses(List.of(SENT), offered(closeConnection(), SENT))), false),
                Arguments.of("the client closes: the close goes out after the pending chunk, no read", PG_WRITE, false, List.of(
                        activate(List.of(), READ),
                        chunk("last", List.of(WAITING), offered(data(PG_WRITE, "last"), WAITING)),
                        clientCloses(List.of()), // the close waits behind the chunk
                        roomSignalled(),
                        loopRuns(List.of(SENT, SENT), offered(data(PG_WRITE, "last"), SENT), offered(closeConnection(), SENT))), false),
                Arguments.of("the stream ended while sending a chunk: the socket closes", PG_WRITE, false, List.of(
                        activate(List.of(), READ),
                        chunk("late", List.of(ENDED, ENDED), offered(data(PG_WRITE, "late"), ENDED), offered(closeConnection(), ENDED))), false),
                Arguments.of("the stream ended with packets waiting: the socket closes, the outbox is dropped", TCP_WRITE, true, List.of(
                        activate(List.of(WAITING), offered(serverConnect(), WAITING), READ),
                        chunk("dropped", List.of()),
                        roomSignalled(),
                        // "dropped" is never offered; the close is, and the ended stream refuses it
                        loopRuns(List.of(ENDED, ENDED), offered(serverConnect(), ENDED), offered(closeConnection(), ENDED))), false),
                Arguments.of("an exception closes the socket, then the agent is told", TCP_WRITE, false, List.of(
                        activate(List.of(), READ),
                        reset(List.of(SENT), offered(closeConnection(), SENT))), false),
                Arguments.of("an exception while a chunk waits: the chunk, then the close", PG_WRITE, false, List.of(
                        activate(List.of(), READ),
                        chunk("q", List.of(WAITING), offered(data(PG_WRITE, "q"), WAITING)),
                        reset(List.of()),
                        roomSignalled(),
                        loopRuns(List.of(SENT, SENT), offered(data(PG_WRITE, "q"), SENT), offered(closeConnection(), SENT))), false));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("cases")
    void everyPacketAndReadInOrder(String name, String writeType, boolean serverConnect, List<Step> steps, boolean openAtEnd) {
        List<Event> events = new ArrayList<>();
        ScriptedSink sink = new ScriptedSink(events);
        Map<String, Channel> sockets = new ConcurrentHashMap<>();
        EmbeddedChannel ch = new EmbeddedChannel(false, false); // registered by the first step: that is the activation
        ch.config().setAutoRead(false); // as ConnectSession's child sockets: reads happen only on request
        ch.pipeline().addLast(new ReadRecorder(events), new LocalSocketHandler(sink, ID, writeType, serverConnect, sockets));
        Harness h = new Harness(ch, sink);

        for (Step step : steps) {
            int before = events.size();
            sink.answers.addAll(step.answers());
            step.action().accept(h);
            assertThat(List.copyOf(events.subList(before, events.size()))).as(step.what())
                    .containsExactlyElementsOf(step.expected());
            assertThat(sink.answers).as("every scripted answer used by: " + step.what()).isEmpty();
            if (step.what().equals("the socket becomes active")) {
                assertThat(sockets).as("registered under its connection id").containsExactly(Map.entry(ID, ch));
            }
        }

        assertThat(ch.isOpen()).as("open at the end").isEqualTo(openAtEnd);
        assertThat(sockets).as("the session's sockets").isEqualTo(openAtEnd ? Map.of(ID, ch) : Map.of());
        assertThat(sink.roomWaiters).as("no offer left waiting").isEmpty();
        assertThat((Object) ch.readOutbound()).as("nothing written to the local client").isNull();
        assertThat((Object) ch.readInbound()).as("no chunk passed further down the pipeline").isNull();
        ch.checkException(); // no exception reached the pipeline's tail
        ch.finishAndReleaseAll();
    }
}
