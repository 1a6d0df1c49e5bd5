package dev.hoop.agent.guardrails;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;

/**
 * Applies the regex rules to what is typed in a terminal, line by line. Keystrokes reach the
 * terminal as they are typed (so line editing and echo work); the line is rebuilt from them, and
 * when Enter comes for a line that a pattern matches, Enter is replaced by Ctrl-C, so the shell
 * discards the line instead of running it. The rebuilt line knows backspace, Ctrl-U, Ctrl-W and
 * Ctrl-C; cursor movement, history recall and tab completion are not seen (docs/guardrails.md).
 * One instance per terminal, fed in order by one thread.
 */
public final class TerminalLineGuard {
    /** Bytes kept per line; a longer line is refused at Enter (it cannot be checked whole). */
    static final int MAX_LINE_BYTES = 16 * 1024;
    private static final byte CTRL_C = 0x03;

    /** What to write to the terminal for a chunk of keystrokes, and the block when a line was stopped. */
    public record Result(byte[] forward, Block block) {
    }

    private final InputGuardrails rules;
    private byte[] line = new byte[256];
    private int length;
    private boolean overflowed;

    public TerminalLineGuard(InputGuardrails rules) {
        this.rules = rules;
    }

    public Result feed(byte[] keys) {
        ByteArrayOutputStream out = new ByteArrayOutputStream(keys.length + 1);
        Block stopped = null;
        for (byte b : keys) {
            switch (b) {
                case '\r', '\n' -> {
                    Block block = overflowed
                            ? new Block("regex", "a line longer than " + MAX_LINE_BYTES + " bytes is more than hoop checks")
                            : rules.check(new String(line, 0, length, StandardCharsets.UTF_8));
                    clear();
                    if (block != null) {
                        stopped = block;
                        out.write(CTRL_C);
                        continue;
                    }
                }
                case 0x7f, 0x08 -> { // backspace: one character (its UTF-8 continuation bytes too)
                    while (length > 0 && (line[length - 1] & 0xc0) == 0x80) {
                        length--;
                    }
                    if (length > 0) {
                        length--;
                    }
                }
                case 0x15, CTRL_C -> clear(); // Ctrl-U, Ctrl-C: the line is gone
                case 0x17 -> { // Ctrl-W: the last word is gone
                    while (length > 0 && line[length - 1] == ' ') {
                        length--;
                    }
                    while (length > 0 && line[length - 1] != ' ') {
                        length--;
                    }
                }
                default -> {
                    if ((b & 0xff) >= 0x20 || b == '\t') {
                        append(b);
                    }
                }
            }
            out.write(b);
        }
        return new Result(out.toByteArray(), stopped);
    }

    private void append(byte b) {
        if (length == MAX_LINE_BYTES) {
            overflowed = true;
            return;
        }
        if (length == line.length) {
            line = java.util.Arrays.copyOf(line, Math.min(MAX_LINE_BYTES, line.length * 2));
        }
        line[length++] = b;
    }

    private void clear() {
        length = 0;
        overflowed = false;
    }
}
