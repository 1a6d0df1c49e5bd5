package dev.hoop.agent.transport;

import static org.assertj.core.api.Assertions.assertThat;

import dev.hoop.common.wire.ClientPacket;
import dev.hoop.common.wire.ConnectionParams;
import dev.hoop.proto.Packet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/** A session's command work runs off the caller's thread, one step after the other. */
class AgentSessionTest {
    private final List<Packet> sent = new CopyOnWriteArrayList<>();
    private final AgentSession session = new AgentSession("s1", new ConnectionParams("sh", "command-line", List.of("sh"), Map.of()),
            dev.hoop.common.wire.ConnectionType.COMMAND_LINE, dev.hoop.common.wire.Verb.EXEC, Optional.empty(), p -> {
                sent.add(p);
                return CompletableFuture.completedFuture(null);
            }, () -> { });

    @Test
    void stepsRunInOrderOffTheCallersThread() throws Exception {
        List<String> order = new CopyOnWriteArrayList<>();
        CountDownLatch firstMayFinish = new CountDownLatch(1);
        Thread caller = Thread.currentThread();
        CompletableFuture<Void> first = session.commandStep("", () -> {
            order.add("first started" + (Thread.currentThread() == caller ? " on the caller" : ""));
            try {
                firstMayFinish.await(5, TimeUnit.SECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            order.add("first done");
            return CompletableFuture.completedFuture(null);
        }).toCompletableFuture();
        CompletableFuture<Void> second = session.commandStep("", () -> {
            order.add("second");
            return CompletableFuture.completedFuture(null);
        }).toCompletableFuture();

        // the caller (an event loop) was not held up by the blocked first step
        assertThat(first).isNotDone();
        assertThat(second).isNotDone();
        firstMayFinish.countDown();
        second.get(5, TimeUnit.SECONDS);
        assertThat(order).containsExactly("first started", "first done", "second");
    }

    @Test
    void aStepThatThrowsEndsTheSessionWithTheReasonAndLaterStepsStillRun() throws Exception {
        session.commandStep("AgentExecWriteStdin failed on the agent: ", () -> {
            throw new IllegalArgumentException("malformed terminal.args");
        }).toCompletableFuture().get(5, TimeUnit.SECONDS);
        assertThat(sent).singleElement().satisfies(p -> {
            assertThat(p.getType()).isEqualTo(ClientPacket.SESSION_CLOSE);
            assertThat(p.getPayload().toStringUtf8()).isEqualTo("AgentExecWriteStdin failed on the agent: malformed terminal.args");
        });
        CompletableFuture<Void> after = session.commandStep("", () -> CompletableFuture.completedFuture(null)).toCompletableFuture();
        after.get(5, TimeUnit.SECONDS);
        assertThat(after).isCompleted();
    }
}
