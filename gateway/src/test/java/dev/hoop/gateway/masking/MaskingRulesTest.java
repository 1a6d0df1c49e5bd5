package dev.hoop.gateway.masking;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class MaskingRulesTest {

    @Test
    void entriesBecomeTheAgentsConfigString() {
        assertThat(MaskingRules.configString(List.of("email_address", "PHONE_NUMBER", "column:email", "column:*ssn*", "format:token",
                "format.EMAIL_ADDRESS:hash")))
                .isEqualTo("types=EMAIL_ADDRESS,PHONE_NUMBER;columns=email,*ssn*;format=TOKEN;format.EMAIL_ADDRESS=HASH");
    }

    @Test
    void noInfoTypeMeansEveryInfoType() {
        assertThat(MaskingRules.configString(List.of("column:ssn")))
                .isEqualTo("types=" + String.join(",", MaskingRules.INFO_TYPES) + ";columns=ssn");
        assertThat(MaskingRules.configString(List.of())).isEqualTo("types=" + String.join(",", MaskingRules.INFO_TYPES));
    }

    @Test
    void validateNormalizesAndDropsDuplicates() {
        assertThat(MaskingRules.validate(List.of("email_address", "EMAIL_ADDRESS", " Column:Email ", "format:keep_shape")))
                .containsExactly("EMAIL_ADDRESS", "column:Email", "FORMAT:KEEP_SHAPE");
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {
        "NOT_A_TYPE|unknown info type 'NOT_A_TYPE'",
        "COLUMN|unknown info type 'COLUMN'",
        "format:BOLD|unknown format 'BOLD'",
        "format.EMAIL_ADDRESS|expected: format.INFO_TYPE:FORMAT",
        "format.NOPE:TOKEN|unknown info type 'NOPE'",
        "column:a;types=URL|column glob 'a;types=URL'",
        "column:a,b|column glob 'a,b'",
        "column:x=y|column glob 'x=y'",
        "column:|column glob ''",
    })
    void badEntriesAreRefusedNamingThem(String entry, String message) {
        assertThatThrownBy(() -> MaskingRules.validate(List.of(entry))).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining(message);
    }

    @Test
    void blankLongAndTooManyEntriesAreRefused() {
        assertThatThrownBy(() -> MaskingRules.validate(List.of(" "))).hasMessageContaining("expected: 1 to 128 characters");
        assertThatThrownBy(() -> MaskingRules.validate(List.of("column:" + "a".repeat(200)))).hasMessageContaining("expected: 1 to 128");
        List<String> many = new ArrayList<>(Collections.nCopies(101, "URL"));
        assertThatThrownBy(() -> MaskingRules.validate(many)).hasMessageContaining("101 masking rules (expected: at most 100)");
        List<String> withNull = new ArrayList<>();
        withNull.add(null);
        assertThatThrownBy(() -> MaskingRules.validate(withNull)).hasMessageContaining("masking rule 'null'");
    }
}
