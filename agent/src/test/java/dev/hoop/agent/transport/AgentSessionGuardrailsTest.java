package dev.hoop.agent.transport;

import static org.assertj.core.api.Assertions.assertThat;

import dev.hoop.agent.exec.CommandSpec;
import dev.hoop.agent.terminal.TtySize;
import dev.hoop.common.wire.ClientPacket;
import dev.hoop.common.wire.ConnectionParams;
import dev.hoop.common.wire.ConnectionType;
import dev.hoop.common.wire.SpecKey;
import dev.hoop.common.wire.Verb;
import dev.hoop.proto.Packet;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The regex guardrails on a real command: an exec that is refused runs nothing; a terminal line that is refused is not run. */
class AgentSessionGuardrailsTest {
    @TempDir
    Path dir;
    private final List<Packet> sent = new CopyOnWriteArrayList<>();

    private AgentSession session(Verb verb, List<String> rules) {
        return new AgentSession("s1", new ConnectionParams("sh", "command-line", List.of("sh"), Map.of(), rules),
                ConnectionType.COMMAND_LINE, verb, Optional.empty(), p -> {
                    sent.add(p);
                    return CompletableFuture.completedFuture(null);
                }, () -> { });
    }

    private static CommandSpec sh(String... args) {
        List<String> argv = new java.util.ArrayList<>(List.of("sh"));
        argv.addAll(List.of(args));
        return new CommandSpec(argv, Map.of("PATH", System.getenv("PATH"), "PS1", "$ "));
    }

    @Test
    void aBlockedExecEndsWithExitOneNamingTheRuleAndRunsNothing() throws Exception {
        Path marker = dir.resolve("marker");
        AgentSession s = session(Verb.EXEC, List.of("regex:rm\\s+-rf"));
        s.startExec(sh(), ("touch " + marker + "\nrm -rf " + dir + "/nothing\n").getBytes(StandardCharsets.UTF_8));
        assertThat(sent).singleElement().satisfies(p -> {
            assertThat(p.getType()).isEqualTo(ClientPacket.SESSION_CLOSE);
            assertThat(p.getSpecMap().get(SpecKey.CLIENT_EXIT_CODE).toStringUtf8()).isEqualTo("1");
            assertThat(p.getPayload().toStringUtf8()).isEqualTo(
                    "blocked by guardrail 'regex:rm\\s+-rf': the input matches a pattern denied on this connection");
        });
        TimeUnit.MILLISECONDS.sleep(300); // a started shell would have touched the file by now
        assertThat(marker).doesNotExist();
    }

    @Test
    void theCommandsArgumentsAreCheckedToo() {
        AgentSession s = session(Verb.EXEC, List.of("regex:rm\\s+-rf"));
        s.startExec(sh("-c", "rm -rf " + dir + "/x"), new byte[0]);
        assertThat(sent).singleElement().satisfies(p -> assertThat(p.getPayload().toStringUtf8()).startsWith("blocked by guardrail 'regex:rm\\s+-rf'"));
    }

    @Test
    void unreadableRulesBlockTheExec() {
        AgentSession s = session(Verb.EXEC, List.of("nonsense"));
        s.startExec(sh("-c", "true"), new byte[0]);
        assertThat(sent).singleElement().satisfies(p -> assertThat(p.getPayload().toStringUtf8())
                .startsWith("blocked by guardrail 'config': guardrails: unknown rule 'nonsense'"));
    }

    @Test
    void aBlockedTerminalLineIsNotRunAndTheSessionGoesOn() throws Exception {
        Path marker = dir.resolve("typed");
        AgentSession s = session(Verb.CONNECT, List.of("regex:touch"));
        s.startTerminal(AgentSessionGuardrailsTest::sh, new TtySize(24, 200));
        awaitStdout("$ "); // the shell is up (Ctrl-C before it handles SIGINT would end it)
        s.terminalInput(("touch " + marker + "\r").getBytes(StandardCharsets.UTF_8)).toCompletableFuture().get(5, TimeUnit.SECONDS);
        // Ctrl-C also flushes what the terminal has not read yet: type on, as a person would, at the next prompt
        awaitStdout("^C");
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        while (stdout().split("\\$ ", -1).length < 3 && System.nanoTime() < deadline) {
            TimeUnit.MILLISECONDS.sleep(50);
        }
        s.terminalInput("echo after-$((40+2))\r".getBytes(StandardCharsets.UTF_8)).toCompletableFuture().get(5, TimeUnit.SECONDS);
        awaitStdout("after-42");
        assertThat(marker).doesNotExist();
        assertThat(sent).anySatisfy(p -> {
            assertThat(p.getType()).isEqualTo(ClientPacket.WRITE_STDERR);
            assertThat(p.getPayload().toStringUtf8()).isEqualTo(
                    "\r\nblocked by guardrail 'regex:touch': the input matches a pattern denied on this connection\r\n");
        });
        s.close("test over");
        assertThat(Files.exists(marker)).isFalse();
    }

    private void awaitStdout(String expected) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        while (!stdout().contains(expected) && System.nanoTime() < deadline) {
            TimeUnit.MILLISECONDS.sleep(50);
        }
        assertThat(stdout()).contains(expected);
    }

    private String stdout() {
        StringBuilder b = new StringBuilder();
        for (Packet p : sent) {
            if (p.getType().equals(ClientPacket.WRITE_STDOUT)) {
                b.append(p.getPayload().toStringUtf8());
            }
        }
        return b.toString();
    }
}
