package dev.hoop.client.session;

import dev.hoop.common.wire.AgentPacket;
import dev.hoop.common.wire.Wire;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.concurrent.atomic.AtomicBoolean;
import org.jline.terminal.Attributes;
import org.jline.terminal.Size;
import org.jline.terminal.Terminal;
import org.jline.terminal.TerminalBuilder;

/**
 * The local end of an interactive terminal (docs/architecture.md#flows, terminal; docs/cli.md), made
 * to behave like ssh: the user's terminal fully raw ({@link RawMode}: Ctrl-C, Ctrl-Z and Ctrl-\ go to
 * the remote pty), keystrokes sent as {@code AgentTerminalWriteStdin} ({@code ~.} at a line's start
 * disconnects, {@link EscapeFilter}), the size (at start and on every SIGWINCH) as
 * {@code AgentTerminalResizeTTY}; output arrives as {@code ClientWriteStdout}. The terminal's
 * settings are restored exactly on {@link #close()} and, should the JVM be ended by a signal
 * (SIGTERM, SIGHUP), by a shutdown hook.
 */
final class TerminalSession implements AutoCloseable {
    private static final int DEFAULT_ROWS = 24;
    private static final int DEFAULT_COLS = 80;

    private final SessionStream stream;
    private final Runnable disconnect;
    private final Terminal terminal;
    private final Attributes saved;
    private final AtomicBoolean restored = new AtomicBoolean();
    private final Thread restoreOnExit;

    /** @param disconnect called (on the keystroke thread) when the user types {@code ~.} */
    TerminalSession(SessionStream stream, Runnable disconnect) {
        this.stream = stream;
        this.disconnect = disconnect;
        try {
            this.terminal = TerminalBuilder.builder().system(true).jna(false).jni(false).build();
        } catch (IOException e) {
            throw new UncheckedIOException("opening the local terminal", e);
        }
        this.saved = terminal.getAttributes();
        this.restoreOnExit = Thread.ofPlatform().unstarted(this::restore);
        Runtime.getRuntime().addShutdownHook(restoreOnExit);
        terminal.setAttributes(RawMode.of(saved));
        terminal.handle(Terminal.Signal.WINCH, signal -> sendSize());
        // With isig off the keyboard sends no signals; these come from kill(1). JLine's default for
        // them would end the JVM without its shutdown hooks (the terminal left raw): exit instead.
        terminal.handle(Terminal.Signal.INT, signal -> System.exit(130));
        terminal.handle(Terminal.Signal.QUIT, signal -> System.exit(131));
        terminal.handle(Terminal.Signal.TSTP, Terminal.SignalHandler.SIG_IGN);
    }

    /** Starts the remote terminal (its first size starts it) and pumps keystrokes until the session ends. */
    void start() {
        sendSize();
        Thread.ofVirtual().name("hoop-terminal-stdin").start(() -> {
            InputStream in = terminal.input();
            EscapeFilter escapes = new EscapeFilter();
            byte[] buf = new byte[4096];
            try {
                int n;
                while ((n = in.read(buf)) >= 0) {
                    EscapeFilter.Result r = escapes.filter(buf, n);
                    if (r.send().length > 0 && !stream.send(Wire.packet(AgentPacket.TERMINAL_WRITE_STDIN, Map.of(), r.send()))) {
                        return;
                    }
                    if (r.disconnect()) {
                        disconnect.run();
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

    private void restore() {
        if (restored.compareAndSet(false, true)) {
            terminal.setAttributes(saved);
            terminal.flush();
        }
    }

    @Override
    public void close() {
        restore();
        try {
            Runtime.getRuntime().removeShutdownHook(restoreOnExit);
        } catch (IllegalStateException e) {
            // the JVM is shutting down already: the hook restored (or will restore) the terminal
        }
        try {
            terminal.close();
        } catch (IOException e) {
            throw new UncheckedIOException("closing the local terminal", e);
        }
    }
}
