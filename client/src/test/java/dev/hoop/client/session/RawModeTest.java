package dev.hoop.client.session;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.EnumSet;
import org.jline.terminal.Attributes;
import org.jline.terminal.Attributes.ControlChar;
import org.jline.terminal.Attributes.InputFlag;
import org.jline.terminal.Attributes.LocalFlag;
import org.jline.terminal.Attributes.OutputFlag;
import org.junit.jupiter.api.Test;

/** The settings of ssh's raw mode, from a typical cooked terminal; the cooked ones stay untouched for the restore. */
class RawModeTest {
    @Test
    void signalsEchoLineEditingFlowControlAndOutputProcessingAreOff() {
        Attributes cooked = new Attributes();
        cooked.setLocalFlags(EnumSet.of(LocalFlag.ISIG, LocalFlag.ICANON, LocalFlag.ECHO, LocalFlag.ECHOE, LocalFlag.ECHOK,
                LocalFlag.IEXTEN, LocalFlag.ECHOCTL, LocalFlag.ECHOKE), true);
        cooked.setInputFlags(EnumSet.of(InputFlag.ICRNL, InputFlag.IXON, InputFlag.IUTF8), true);
        cooked.setOutputFlags(EnumSet.of(OutputFlag.OPOST, OutputFlag.ONLCR), true);
        cooked.setControlChar(ControlChar.VINTR, 3);
        cooked.setControlChar(ControlChar.VMIN, 1);
        Attributes before = new Attributes(cooked);

        Attributes raw = RawMode.of(cooked);

        for (LocalFlag f : EnumSet.of(LocalFlag.ISIG, LocalFlag.ICANON, LocalFlag.ECHO, LocalFlag.ECHOE, LocalFlag.ECHOK,
                LocalFlag.ECHONL, LocalFlag.IEXTEN)) {
            assertThat(raw.getLocalFlag(f)).as(f.name()).isFalse();
        }
        for (InputFlag f : EnumSet.of(InputFlag.ICRNL, InputFlag.INLCR, InputFlag.IGNCR, InputFlag.IXON, InputFlag.IXOFF,
                InputFlag.IXANY, InputFlag.ISTRIP)) {
            assertThat(raw.getInputFlag(f)).as(f.name()).isFalse();
        }
        assertThat(raw.getOutputFlag(OutputFlag.OPOST)).isFalse();
        assertThat(raw.getControlChar(ControlChar.VMIN)).isEqualTo(1);
        assertThat(raw.getControlChar(ControlChar.VTIME)).isZero();
        // what raw mode does not concern stays as it was (UTF-8 input, the interrupt character for later)
        assertThat(raw.getInputFlag(InputFlag.IUTF8)).isTrue();
        assertThat(raw.getControlChar(ControlChar.VINTR)).isEqualTo(3);
        // the cooked settings are not modified: they are what close() restores
        assertThat(cooked.toString()).isEqualTo(before.toString());
    }
}
