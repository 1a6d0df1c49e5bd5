package dev.hoop.gateway;

import java.util.logging.Handler;
import java.util.logging.Level;
import java.util.logging.LogManager;
import java.util.logging.LogRecord;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Sends java.util.logging records (Helidon logs through it) to SLF4J, so that every line of the
 * gateway has one format and LOG_ENCODING=json stays valid JSON lines.
 */
final class JulBridge extends Handler {
    private JulBridge() {}

    static void install(boolean debug) {
        java.util.logging.Logger root = LogManager.getLogManager().getLogger("");
        for (Handler h : root.getHandlers()) {
            root.removeHandler(h);
        }
        root.addHandler(new JulBridge());
        root.setLevel(debug ? Level.FINE : Level.INFO);
    }

    @Override
    public void publish(LogRecord r) {
        if (r == null) {
            return;
        }
        Logger log = LoggerFactory.getLogger(r.getLoggerName() == null ? "jul" : r.getLoggerName());
        String msg = r.getMessage();
        if (msg != null && r.getParameters() != null && r.getParameters().length > 0) {
            try {
                msg = java.text.MessageFormat.format(msg, r.getParameters());
            } catch (IllegalArgumentException e) {
                // keep the raw pattern: a malformed pattern must not lose the line
            }
        }
        int level = r.getLevel().intValue();
        if (level >= Level.SEVERE.intValue()) {
            log.error(msg, r.getThrown());
        } else if (level >= Level.WARNING.intValue()) {
            log.warn(msg, r.getThrown());
        } else if (level >= Level.INFO.intValue()) {
            log.info(msg, r.getThrown());
        } else {
            log.debug(msg, r.getThrown());
        }
    }

    @Override
    public void flush() {}

    @Override
    public void close() {}
}
