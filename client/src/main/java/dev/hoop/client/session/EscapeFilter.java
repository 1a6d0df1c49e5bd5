package dev.hoop.client.session;

import java.io.ByteArrayOutputStream;

/**
 * ssh's escape sequences in the keystrokes of a remote terminal: {@code ~.} at the start of a line
 * ends the session (when the remote side hangs), {@code ~~} sends one {@code ~}; a {@code ~}
 * followed by anything else is sent as typed. "Start of a line" is the session's start or after
 * Enter (CR or LF), as in ssh. Not thread-safe: one reader thread feeds it.
 */
final class EscapeFilter {
    /** The bytes to send, and whether the user asked to disconnect ({@code ~.}). */
    record Result(byte[] send, boolean disconnect) {}

    private boolean lineStart = true;
    private boolean tilde;

    Result filter(byte[] in, int length) {
        ByteArrayOutputStream out = new ByteArrayOutputStream(length + 1);
        for (int i = 0; i < length; i++) {
            byte b = in[i];
            if (tilde) {
                tilde = false;
                if (b == '.') {
                    return new Result(out.toByteArray(), true);
                }
                if (b != '~') {
                    out.write('~');
                }
                out.write(b);
                lineStart = b == '\r' || b == '\n';
                continue;
            }
            if (lineStart && b == '~') {
                tilde = true; // held until the next byte says what it is
                continue;
            }
            out.write(b);
            lineStart = b == '\r' || b == '\n';
        }
        return new Result(out.toByteArray(), false);
    }
}
