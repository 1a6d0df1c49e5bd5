package dev.hoop.agent.masking;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.api.Test;

/** KEEP_SHAPE, TOKEN and HASH, per type and as overrides; column rules. */
class FormatsTest {
    private static final byte[] KEY = "0123456789abcdef-org-key".getBytes(StandardCharsets.UTF_8);

    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiter = '|', textBlock = """
            john@example.com                 | j***@*******.com
            a.b@mail.example.co.uk           | a**@****.*******.**.uk
            123-45-6789                      | ***-**-6789
            4111 1111 1111 1111              | **** **** **** 1111
            378282246310005                  | ***********0005
            DE89 3704 0044 0532 0130 00      | DE** **** **** **** **30 00
            +1 (415) 555-2671                | +* (***) ***-**71
            192.168.1.10                     | ***.***.*.**
            123.456.789-09                   | ***.***.***-**
            https://example.com/a?b=c        | https://*******.***/*?*=*
            Cookie: sid=abc; x=1             | Cookie: ***=***; *=*
            Bearer abcdef0123456789XYZ       | Bearer *******************
            DOB: 1985-03-12                  | DOB: ****-**-**
            """)
    void keepShape(String value, String expected) {
        Masker m = new Masker(MaskingPolicy.parse("types=ALL;format=KEEP_SHAPE", null));
        assertEquals(expected, m.maskText(value));
    }

    @Test
    void keepShapeOfAKeyKeepsItsBeginAndEndLinesOnly() {
        Masker m = new Masker(MaskingPolicy.parse("types=PEM_PRIVATE_KEY;format=KEEP_SHAPE", null));
        String key = "-----BEGIN EC PRIVATE KEY-----\nMHcCAQEEIB+/x=\n-----END EC PRIVATE KEY-----";
        assertEquals("-----BEGIN EC PRIVATE KEY-----\n**********+/*=\n-----END EC PRIVATE KEY-----", m.maskText(key));
    }

    @Test
    void tokenIsTheTypeInBrackets() {
        Masker m = new Masker(MaskingPolicy.parse("types=EMAIL_ADDRESS,IP_ADDRESS", null));
        assertEquals("[EMAIL_ADDRESS] from [IP_ADDRESS]", m.maskText("a@example.com from 10.0.0.1"));
    }

    @Test
    void hashIsKeyedStableAndShort() {
        Masker m = new Masker(MaskingPolicy.parse("types=EMAIL_ADDRESS;format=HASH", KEY));
        String a = m.maskText("a@example.com");
        assertTrue(a.matches("EMAIL_ADDRESS:[0-9a-f]{16}"), a);
        assertEquals(a, m.maskText("a@example.com"), "same input, same token");
        assertEquals(a, new Masker(MaskingPolicy.parse("types=EMAIL_ADDRESS;format=HASH", KEY)).maskText("a@example.com"), "across sessions");
        assertNotEquals(a, m.maskText("b@example.com"));
        byte[] other = KEY.clone();
        other[0] ^= 1;
        assertNotEquals(a, new Masker(MaskingPolicy.parse("types=EMAIL_ADDRESS;format=HASH", other)).maskText("a@example.com"),
                "another key, another token: a guess cannot be tested without the key");
        assertFalse(a.contains("example"));
    }

    @Test
    void hashIsTheHmacSha256OfTheValue() throws Exception {
        javax.crypto.Mac mac = javax.crypto.Mac.getInstance("HmacSHA256");
        mac.init(new javax.crypto.spec.SecretKeySpec(KEY, "HmacSHA256"));
        byte[] d = mac.doFinal("10.0.0.1".getBytes(StandardCharsets.UTF_8));
        String hex = java.util.HexFormat.of().formatHex(Arrays.copyOf(d, 8));
        Masker m = new Masker(MaskingPolicy.parse("types=IP_ADDRESS;format=HASH", KEY));
        assertEquals("IP_ADDRESS:" + hex, m.maskText("10.0.0.1"));
    }

    @Test
    void formatPerTypeOverridesTheDefault() {
        Masker m = new Masker(MaskingPolicy.parse("types=EMAIL_ADDRESS,US_SOCIAL_SECURITY_NUMBER,IP_ADDRESS;format=KEEP_SHAPE;"
                + "format.EMAIL_ADDRESS=HASH;format.IP_ADDRESS=TOKEN", KEY));
        String out = m.maskText("a@example.com 123-45-6789 10.0.0.1");
        assertTrue(out.matches("EMAIL_ADDRESS:[0-9a-f]{16} \\*\\*\\*-\\*\\*-6789 \\[IP_ADDRESS]"), out);
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', textBlock = """
            TOKEN      | Email    | someone@example.com | [COLUMN]
            KEEP_SHAPE | USER_SSN | 123-45-6789 x       | ***-**-**** *
            TOKEN      | ssn      | ''                   | ''
            """)
    void columnRuleMasksTheWholeValue(String format, String column, String value, String expected) {
        Masker m = new Masker(MaskingPolicy.parse("columns=email,*ssn*;format=" + format, null));
        assertEquals(expected, m.maskValue(column, value));
    }

    @Test
    void columnFormatCanBeHashed() {
        Masker m = new Masker(MaskingPolicy.parse("columns=email;format.COLUMN=HASH", KEY));
        assertTrue(m.maskValue("email", "x").matches("COLUMN:[0-9a-f]{16}"));
        assertEquals(m.maskValue("email", "x"), m.maskValue("EMAIL", "x"));
    }

    @Test
    void keepShapeCountsCodePointsNotChars() {
        Masker m = new Masker(MaskingPolicy.parse("columns=name;format=KEEP_SHAPE", null));
        assertEquals("*** *** *", m.maskValue("name", "Zoë 李小龍 \uD840\uDC0B"));
    }
}
