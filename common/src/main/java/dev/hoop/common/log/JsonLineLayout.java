package dev.hoop.common.log;

import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.classic.spi.ThrowableProxyUtil;
import ch.qos.logback.core.LayoutBase;
import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;
import java.io.IOException;
import java.io.StringWriter;
import java.io.UncheckedIOException;
import java.time.Instant;
import java.util.Map;

/** One JSON object per line: ts, level, logger, msg, thread, the MDC, and the stack trace when there is one. */
final class JsonLineLayout extends LayoutBase<ILoggingEvent> {
    private static final JsonFactory JSON = new JsonFactory();

    @Override
    public String doLayout(ILoggingEvent event) {
        StringWriter out = new StringWriter(256);
        try (JsonGenerator g = JSON.createGenerator(out)) {
            g.writeStartObject();
            g.writeStringField("ts", Instant.ofEpochMilli(event.getTimeStamp()).toString());
            g.writeStringField("level", event.getLevel().toString().toLowerCase());
            g.writeStringField("logger", event.getLoggerName());
            g.writeStringField("msg", event.getFormattedMessage());
            g.writeStringField("thread", event.getThreadName());
            for (Map.Entry<String, String> e : event.getMDCPropertyMap().entrySet()) {
                g.writeStringField(e.getKey(), e.getValue());
            }
            if (event.getThrowableProxy() != null) {
                g.writeStringField("error", ThrowableProxyUtil.asString(event.getThrowableProxy()));
            }
            g.writeEndObject();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return out.append('\n').toString();
    }
}
