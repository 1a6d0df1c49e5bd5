package dev.hoop.client.session;

import dev.hoop.common.wire.AgentPacket;
import dev.hoop.common.wire.Wire;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.Map;
import org.jline.terminal.Attributes;
import org.jline.terminal.Size;
import org.jline.terminal.Terminal;
import org.jline.terminal.TerminalBuilder;

/**
 * The local end of an interactive terminal (docs/architecture.md#flows, terminal): the user's terminal in raw
 * mode, keystrokes sent as {@code AgentTerminalWriteStdin}, the size (at start and on every
 * SIGWINCH) as {@code AgentTerminalResizeTTY}; output arrives as {@code ClientWriteStdout}.
 */
final class TerminalSession implements AutoCloseable {
    private static final int DEFAULT_ROWS = 24;
    private static final int DEFAULT_COLS = 80;

    private final SessionStream stream;
    private final Terminal terminal;
    private final Attributes saved;

    TerminalSession(SessionStream stream) {
        this.stream = stream;
        try {
            this.terminal = TerminalBuilder.builder().system(true).jna(false).jni(false).build();
        } catch (IOException e) {
            throw new UncheckedIOException("opening the local terminal", e);
        }
        this.saved = terminal.enterRawMode();
        terminal.handle(Terminal.Signal.WINCH, signal -> sendSize());
    }

    /** Starts the remote terminal (its first size starts it) and pumps keystrokes until the session ends. */
    void start() {
        sendSize();
        Thread.ofVirtual().name("hoop-terminal-stdin").start(() -> {
            InputStream in = terminal.input();
            byte[] buf = new byte[4096];
            try {
                int n;
                while ((n = in.read(buf)) >= 0) {
                    if (n > 0 && !stream.send(Wire.packet(AgentPacket.TERMINAL_WRITE_STDIN, Map.of(), Arrays.copyOf(buf, n)))) {
                        return;
                    }
                }
            } catch (IOException e) {
                // the terminal closed under us: the session ends through the stream
            }
        });
    }

    void output(byte[] data) {
        terminal.writer().flush();
        try {
            terminal.output().write(data);
            terminal.output().flush();
        } catch (IOException e) {
            throw new UncheckedIOException("writing to the local terminal", e);
        }
    }

    private void sendSize() {
        Size size = terminal.getSize();
        int rows = size.getRows() > 0 ? size.getRows() : DEFAULT_ROWS;
        int cols = size.getColumns() > 0 ? size.getColumns() : DEFAULT_COLS;
        stream.send(Wire.packet(AgentPacket.TERMINAL_RESIZE_TTY, Map.of(),
                Json.terminalSize(rows, cols).getBytes(StandardCharsets.UTF_8)));
    }

    @Override
    public void close() {
        terminal.setAttributes(saved);
        try {
            terminal.close();
        } catch (IOException e) {
            throw new UncheckedIOException("closing the local terminal", e);
        }
    }
}
