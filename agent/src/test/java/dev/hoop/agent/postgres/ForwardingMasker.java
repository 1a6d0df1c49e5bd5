package dev.hoop.agent.postgres;

import dev.hoop.agent.dlp.TextMasker;
import dev.hoop.agent.masking.InfoType;
import dev.hoop.agent.masking.StreamMasker;
import java.util.Map;

/**
 * A masker that hands every call to another one; tests extend it to watch or change one call. As
 * it is, it is a local masker (not {@link #remote}) that masks one value or text per call, which is
 * how the stage uses the built-in engine.
 */
class ForwardingMasker implements TextMasker {
    final TextMasker inner;

    ForwardingMasker(TextMasker inner) {
        this.inner = inner;
    }

    @Override
    public String maskValue(String columnName, String value) {
        return inner.maskValue(columnName, value);
    }

    @Override
    public String maskText(String text) {
        return inner.maskText(text);
    }

    @Override
    public StreamMasker stream() {
        return inner.stream();
    }

    @Override
    public Map<InfoType, Long> counts() {
        return inner.counts();
    }
}
