package dev.hoop.common.wire;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.junit.jupiter.api.Test;

class InboundCreditTest {
    /** A stream model: credit requested, packets delivered, packets in hand. */
    private static final class Stream {
        final List<Integer> requests = new ArrayList<>();
        int credit;

        void request(int n) {
            requests.add(n);
            credit += n;
        }
    }

    @ParameterizedTest
    @ValueSource(ints = {1, 2, 3, 16})
    void neverMoreThanTheWindowUnhandledAndNeverStalled(int window) {
        Stream s = new Stream();
        InboundCredit credit = new InboundCredit(window, s::request);
        credit.start();
        int inHand = 0;
        for (int step = 0; step < 1000; step++) {
            // deliver as much as the credit allows, then handle one packet
            while (s.credit > 0) {
                s.credit--;
                inHand++;
                assertThat(inHand).isLessThanOrEqualTo(window);
            }
            credit.handled();
            inHand--;
            if (inHand == 0) {
                assertThat(s.credit).as("credit left when nothing is in hand").isPositive();
            }
        }
    }

    @Test
    void returnsCreditInBatchesOfHalfTheWindow() {
        Stream s = new Stream();
        InboundCredit credit = new InboundCredit(16, s::request);
        credit.start();
        for (int i = 0; i < 7; i++) {
            credit.handled();
        }
        assertThat(s.requests).containsExactly(16);
        credit.handled();
        assertThat(s.requests).containsExactly(16, 8);
    }

    @Test
    void refusesAnEmptyWindow() {
        assertThatThrownBy(() -> new InboundCredit(0, n -> { }))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("window must be at least 1, got 0");
    }
}
