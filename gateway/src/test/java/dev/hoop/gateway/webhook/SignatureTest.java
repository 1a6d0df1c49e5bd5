package dev.hoop.gateway.webhook;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.Base64;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class SignatureTest {
    // the example of the Standard Webhooks specification (and Svix's libraries)
    static final String SECRET = "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw";
    static final String ID = "msg_p5jXN8AQM9LWM0D4loKWxJek";
    static final long TS = 1614265330;
    static final String BODY = "{\"test\": 2432232314}";
    static final String EXPECTED = "v1,g0hM9SsE+OTPJTGt/tmIKtSyZlE3uFJELVlNIOLJ1OE=";

    @Test
    void signsLikeTheSpecificationsExample() {
        assertThat(Signature.sign(SECRET, ID, TS, BODY)).isEqualTo(EXPECTED);
        assertThat(Signature.verify(SECRET, ID, TS, BODY, EXPECTED)).isTrue();
    }

    @Test
    void verifiesOneOfSeveralSignaturesInTheHeader() {
        assertThat(Signature.verify(SECRET, ID, TS, BODY, "v1,bm9wZQ== " + EXPECTED + " v2,zzz")).isTrue();
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiter = '|', value = {
        "another body|" + ID + "|1614265330|{\"test\": 2432232315}",
        "another id|msg_other|1614265330|{\"test\": 2432232314}",
        "another timestamp|" + ID + "|1614265331|{\"test\": 2432232314}",
    })
    void refusesATamperedMessage(String what, String id, long ts, String body) {
        assertThat(Signature.verify(SECRET, id, ts, body, EXPECTED)).isFalse();
    }

    @Test
    void refusesNoHeaderAndAnotherSecret() {
        assertThat(Signature.verify(SECRET, ID, TS, BODY, null)).isFalse();
        assertThat(Signature.verify(SECRET, ID, TS, BODY, "")).isFalse();
        assertThat(Signature.verify(Signature.newSecret(), ID, TS, BODY, EXPECTED)).isFalse();
    }

    @Test
    void newSecretsAreRandom32ByteKeys() {
        String a = Signature.newSecret();
        assertThat(a).startsWith("whsec_");
        assertThat(Base64.getDecoder().decode(a.substring(6))).hasSize(32);
        assertThat(Signature.newSecret()).isNotEqualTo(a);
    }

    @Test
    void aSecretWithoutThePrefixIsRefused() {
        assertThatThrownBy(() -> Signature.sign("MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw", ID, TS, BODY))
                .isInstanceOf(IllegalArgumentException.class).hasMessage("a webhook secret starts with whsec_");
    }
}
