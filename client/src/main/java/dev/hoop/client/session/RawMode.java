package dev.hoop.client.session;

import java.util.EnumSet;
import org.jline.terminal.Attributes;
import org.jline.terminal.Attributes.ControlChar;
import org.jline.terminal.Attributes.InputFlag;
import org.jline.terminal.Attributes.LocalFlag;
import org.jline.terminal.Attributes.OutputFlag;

/**
 * The local terminal settings of a remote shell, as ssh sets them ({@code enter_raw_mode}): no line
 * editing, no echo, and no signals — Ctrl-C, Ctrl-Z and Ctrl-\ reach the remote pty as bytes (0x03,
 * 0x1a, 0x1c) instead of interrupting or suspending this process; no flow control, no CR/NL
 * translation on input and no output processing (the remote pty already sends CR LF). JLine's own
 * {@code enterRawMode} keeps {@code isig} on, which is why it is not used.
 */
final class RawMode {
    private RawMode() {}

    static Attributes of(Attributes cooked) {
        Attributes raw = new Attributes(cooked);
        raw.setLocalFlags(EnumSet.of(LocalFlag.ISIG, LocalFlag.ICANON, LocalFlag.ECHO, LocalFlag.ECHOE, LocalFlag.ECHOK,
                LocalFlag.ECHONL, LocalFlag.IEXTEN), false);
        raw.setInputFlags(EnumSet.of(InputFlag.ISTRIP, InputFlag.INLCR, InputFlag.IGNCR, InputFlag.ICRNL, InputFlag.IXON,
                InputFlag.IXANY, InputFlag.IXOFF), false);
        raw.setInputFlag(InputFlag.IGNPAR, true);
        raw.setOutputFlag(OutputFlag.OPOST, false);
        // a read returns as soon as one byte is there, and never with nothing
        raw.setControlChar(ControlChar.VMIN, 1);
        raw.setControlChar(ControlChar.VTIME, 0);
        return raw;
    }
}
