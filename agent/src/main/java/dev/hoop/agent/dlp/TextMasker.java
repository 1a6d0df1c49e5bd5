package dev.hoop.agent.dlp;

import dev.hoop.agent.masking.InfoType;
import dev.hoop.agent.masking.Masker;
import dev.hoop.agent.masking.StreamMasker;
import java.util.Map;

/**
 * What the PostgreSQL stage and the command output need of a masker ({@link Masker}'s methods);
 * a seam so that a masker that fails can be tested (fail closed) and another provider (Google
 * DLP) can take its place. Implementations are thread-safe and may throw: callers fail closed.
 */
public interface TextMasker {
    String maskValue(String columnName, String value);

    String maskText(String text);

    StreamMasker stream();

    Map<InfoType, Long> counts();

    static TextMasker of(Masker masker) {
        return new TextMasker() {
            @Override
            public String maskValue(String columnName, String value) {
                return masker.maskValue(columnName, value);
            }

            @Override
            public String maskText(String text) {
                return masker.maskText(text);
            }

            @Override
            public StreamMasker stream() {
                return masker.stream();
            }

            @Override
            public Map<InfoType, Long> counts() {
                return masker.counts();
            }
        };
    }
}
