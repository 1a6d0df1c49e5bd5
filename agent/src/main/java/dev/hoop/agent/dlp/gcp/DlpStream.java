package dev.hoop.agent.dlp.gcp;

import dev.hoop.agent.masking.Masker;
import dev.hoop.agent.masking.StreamMasker;

/**
 * Command output through Google DLP: whole lines are sent (a value rarely spans a line break),
 * the unfinished last line is withheld up to {@link #MAX_WITHHELD} characters; past that, the text
 * up to its last white space goes. One DLP request per chunk that completes a line. Not
 * thread-safe (one per output stream).
 */
final class DlpStream implements StreamMasker {
    static final int MAX_WITHHELD = Masker.MAX_WITHHELD;

    private final DlpMasker masker;
    private final StringBuilder pending = new StringBuilder();
    private boolean finished;

    DlpStream(DlpMasker masker) {
        this.masker = masker;
    }

    @Override
    public String push(CharSequence chunk) {
        if (finished) {
            throw new IllegalStateException("masking stream already finished");
        }
        pending.append(chunk);
        int end = pending.lastIndexOf("\n") + 1;
        if (end == 0 && pending.length() > MAX_WITHHELD) {
            int space = lastSpace();
            end = space > 0 ? space + 1 : pending.length();
        }
        return take(end);
    }

    @Override
    public String flush() {
        if (finished) {
            throw new IllegalStateException("masking stream already finished");
        }
        return take(pending.length());
    }

    @Override
    public String finish() {
        if (finished) {
            return "";
        }
        String out = take(pending.length());
        finished = true;
        return out;
    }

    private int lastSpace() {
        for (int i = pending.length() - 1; i >= 0; i--) {
            if (Character.isWhitespace(pending.charAt(i))) {
                return i;
            }
        }
        return -1;
    }

    private String take(int end) {
        if (end == 0) {
            return "";
        }
        String text = pending.substring(0, end);
        pending.delete(0, end);
        return masker.maskText(text);
    }
}
