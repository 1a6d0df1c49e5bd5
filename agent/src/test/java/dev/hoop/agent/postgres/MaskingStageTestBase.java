package dev.hoop.agent.postgres;

import dev.hoop.agent.dlp.TextMasker;
import dev.hoop.agent.masking.Masker;
import dev.hoop.agent.masking.MaskingPolicy;
import io.netty.channel.embedded.EmbeddedChannel;

/**
 * A masking stage on an EmbeddedChannel per test method, masking e-mail addresses and the columns
 * {@code ssn} and {@code *secret*}. {@link #stage} is the stage of the channel made last, so a test
 * can play the client's side of the channel it just made.
 */
abstract class MaskingStageTestBase {
    MaskingStage stage;
    final EmbeddedChannel channel = channel("types=EMAIL_ADDRESS;columns=ssn,*secret*");

    EmbeddedChannel channel(String config) {
        return channel(TextMasker.of(new Masker(MaskingPolicy.parse(config, new byte[32]))), config.contains("columns="));
    }

    EmbeddedChannel channel(TextMasker masker, boolean columnRules) {
        stage = new MaskingStage(masker, columnRules, "pg");
        return new EmbeddedChannel(stage);
    }
}
