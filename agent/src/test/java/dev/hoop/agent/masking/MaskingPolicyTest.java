package dev.hoop.agent.masking;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.util.EnumSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class MaskingPolicyTest {
    private static final byte[] KEY = "0123456789abcdef".getBytes(StandardCharsets.UTF_8);

    @Test
    void parsesTheContractExample() {
        MaskingPolicy p = MaskingPolicy.parse("types=EMAIL_ADDRESS,CREDIT_CARD_NUMBER;columns=email,*ssn*;format=KEEP_SHAPE;format.EMAIL_ADDRESS=HASH", KEY);
        assertEquals(EnumSet.of(InfoType.EMAIL_ADDRESS, InfoType.CREDIT_CARD_NUMBER), p.infoTypes());
        assertEquals(List.of("email", "*ssn*"), p.columnGlobs());
        assertEquals(Map.of(InfoType.EMAIL_ADDRESS, MaskFormat.HASH), p.formats());
        assertEquals(MaskFormat.KEEP_SHAPE, p.defaultFormat());
        assertEquals(MaskFormat.HASH, p.formatOf(InfoType.EMAIL_ADDRESS));
        assertEquals(MaskFormat.KEEP_SHAPE, p.formatOf(InfoType.CREDIT_CARD_NUMBER));
    }

    @Test
    void lenientAboutSpacesCaseAndEmptyParts() {
        MaskingPolicy p = MaskingPolicy.parse(" types = email_address , ip_address ;; columns= a ,b ; format=token;", null);
        assertEquals(EnumSet.of(InfoType.EMAIL_ADDRESS, InfoType.IP_ADDRESS), p.infoTypes());
        assertEquals(List.of("a", "b"), p.columnGlobs());
        assertEquals(MaskFormat.TOKEN, p.defaultFormat());
    }

    @Test
    void allMeansEveryDetector() {
        Set<InfoType> all = MaskingPolicy.parse("types=ALL", null).infoTypes();
        assertEquals(InfoType.values().length - 1, all.size());
        assertFalse(all.contains(InfoType.COLUMN));
    }

    @Test
    void nullAndEmptyMeanNothingToMaskWithTokenFormat() {
        for (MaskingPolicy p : List.of(MaskingPolicy.parse(null, null), MaskingPolicy.parse("", null),
                new MaskingPolicy(null, null, null, null, null))) {
            assertEquals(Set.of(), p.infoTypes());
            assertEquals(List.of(), p.columnGlobs());
            assertEquals(Map.of(), p.formats());
            assertEquals(MaskFormat.TOKEN, p.defaultFormat());
            assertEquals(0, p.hashKey().length);
        }
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', quoteCharacter = '`', textBlock = """
            types=EMAIL                        | masking config: unknown info type 'EMAIL' (expected one of:
            colums=email                       | masking config: unknown key 'colums' (expected: types, columns, format, format.<INFO_TYPE>)
            types                              | masking config: 'types' has no '=' (expected: key=value parts separated by ';')
            format=REDACT                      | masking config: format='REDACT' is not a format (expected: KEEP_SHAPE, TOKEN or HASH)
            format.EMAIL_ADDRESS=X             | masking config: format.EMAIL_ADDRESS='X' is not a format (expected: KEEP_SHAPE, TOKEN or HASH)
            format.NOPE=TOKEN                  | masking config: unknown info type 'NOPE'
            types=IP_ADDRESS;types=URL         | masking config: key 'types' given twice
            format=HASH                        | masking format HASH needs a hash key of at least 16 bytes (got 0)
            format.URL=HASH                    | masking format HASH needs a hash key of at least 16 bytes (got 0)
            `columns=a\\tb`                     | masking policy: column rule 'a?b' contains a control character
            """)
    void badConfigSaysWhatWasWrong(String config, String messageStart) {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> MaskingPolicy.parse(config.replace("\\t", "\u0001"), null));
        assertTrue(e.getMessage().startsWith(messageStart), e.getMessage());
    }

    @Test
    void oversizedConfigAndTooManyRulesAreRefused() {
        String huge = "columns=" + "a,".repeat(40_000);
        assertEquals("masking config: 80008 characters (expected: at most 65536)",
                assertThrows(IllegalArgumentException.class, () -> MaskingPolicy.parse(huge, null)).getMessage());
        String many = "columns=" + "c,".repeat(1001);
        assertEquals("masking policy: 1001 column rules (expected: at most 1000)",
                assertThrows(IllegalArgumentException.class, () -> MaskingPolicy.parse(many, null)).getMessage());
        String longGlob = "columns=" + "x".repeat(129);
        assertTrue(assertThrows(IllegalArgumentException.class, () -> MaskingPolicy.parse(longGlob, null)).getMessage()
                .endsWith("has 129 characters (expected: at most 128)"));
    }

    @Test
    void anErrorNeverEchoesALongValueOrControlCharacters() {
        String evil = "types=" + "\u001b[2J" + "A".repeat(500);
        String msg = assertThrows(IllegalArgumentException.class, () -> MaskingPolicy.parse(evil, null)).getMessage();
        assertFalse(msg.contains("\u001b"));
        assertFalse(msg.contains("A".repeat(50)), msg);
    }

    @Test
    void theKeyIsCopiedAndNeverPrinted() {
        byte[] key = KEY.clone();
        MaskingPolicy p = MaskingPolicy.parse("format=HASH", key);
        key[0] = 'X';
        assertEquals('0', p.hashKey()[0], "a later change of the caller's array does not reach the policy");
        p.hashKey()[1] = 'Y';
        assertEquals('1', p.hashKey()[1], "the accessor hands out a copy");
        assertFalse(p.toString().contains("0123456789abcdef"), p.toString());
        assertTrue(p.toString().contains("hashKey=16 bytes"));
        assertEquals(p, MaskingPolicy.parse("format=HASH", KEY));
        assertEquals(p.hashCode(), MaskingPolicy.parse("format=HASH", KEY).hashCode());
    }

    @Test
    void collectionsAreImmutable() {
        MaskingPolicy p = MaskingPolicy.parse("types=URL;columns=a;format.URL=TOKEN", null);
        assertThrows(UnsupportedOperationException.class, () -> p.infoTypes().add(InfoType.IP_ADDRESS));
        assertThrows(UnsupportedOperationException.class, () -> p.columnGlobs().add("b"));
        assertThrows(UnsupportedOperationException.class, () -> p.formats().put(InfoType.URL, MaskFormat.HASH));
    }

    @Test
    void constructorRefusesNullsInside() {
        Set<InfoType> withNull = new java.util.HashSet<>();
        withNull.add(null);
        assertEquals("masking policy: an info type is null",
                assertThrows(IllegalArgumentException.class, () -> new MaskingPolicy(withNull, null, null, null, null)).getMessage());
        assertTrue(assertThrows(IllegalArgumentException.class, () -> new MaskingPolicy(null, List.of(" "), null, null, null))
                .getMessage().startsWith("masking policy: a column rule is empty"));
    }
}
