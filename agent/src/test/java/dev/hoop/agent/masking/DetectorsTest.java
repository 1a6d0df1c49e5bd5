package dev.hoop.agent.masking;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;

import java.util.Map;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

/** Each detector: values in varied formats, near misses, and failed check digits (all types on, TOKEN format). */
class DetectorsTest {
    private final Masker masker = new Masker(MaskingPolicy.parse("types=ALL", null));

    @ParameterizedTest(name = "{0}: {1}")
    @CsvSource(delimiter = '|', quoteCharacter = '`', textBlock = """
            EMAIL_ADDRESS               | mail john.doe@example.com now            | mail [EMAIL_ADDRESS] now
            EMAIL_ADDRESS               | <a+tag_1@mail.example.co.uk>             | <[EMAIL_ADDRESS]>
            EMAIL_ADDRESS               | `x@b.io, y@c.de.`                        | `[EMAIL_ADDRESS], [EMAIL_ADDRESS].`
            EMAIL_ADDRESS               | John@Example.COM                         | [EMAIL_ADDRESS]
            PHONE_NUMBER                | call +1 (415) 555-2671                   | call [PHONE_NUMBER]
            PHONE_NUMBER                | +44 20 7946 0958                         | [PHONE_NUMBER]
            PHONE_NUMBER                | +33 1 42 68 53 00.                       | [PHONE_NUMBER].
            PHONE_NUMBER                | +5511987654321                           | [PHONE_NUMBER]
            PHONE_NUMBER                | (415) 555-2671                           | [PHONE_NUMBER]
            PHONE_NUMBER                | 415.555.2671 or 415 555 2671             | [PHONE_NUMBER] or [PHONE_NUMBER]
            PHONE_NUMBER                | 1-800-555-0199                           | [PHONE_NUMBER]
            PHONE_NUMBER                | 0044 20 7946 0958                        | [PHONE_NUMBER]
            CREDIT_CARD_NUMBER          | 4111 1111 1111 1111                      | [CREDIT_CARD_NUMBER]
            CREDIT_CARD_NUMBER          | 4111-1111-1111-1111                      | [CREDIT_CARD_NUMBER]
            CREDIT_CARD_NUMBER          | card=5555555555554444;                   | card=[CREDIT_CARD_NUMBER];
            CREDIT_CARD_NUMBER          | 3782 822463 10005                        | [CREDIT_CARD_NUMBER]
            CREDIT_CARD_NUMBER          | 6011111111111117                         | [CREDIT_CARD_NUMBER]
            IBAN_CODE                   | DE89 3704 0044 0532 0130 00              | [IBAN_CODE]
            IBAN_CODE                   | iban:GB82WEST12345698765432.             | iban:[IBAN_CODE].
            IBAN_CODE                   | FR1420041010050500013M02606              | [IBAN_CODE]
            IP_ADDRESS                  | from 192.168.1.10:5432                   | from [IP_ADDRESS]:5432
            IP_ADDRESS                  | 2001:db8::8a2e:370:7334                  | [IP_ADDRESS]
            IP_ADDRESS                  | [::1]:8080                               | [[IP_ADDRESS]]:8080
            IP_ADDRESS                  | ::ffff:10.0.0.1                          | [IP_ADDRESS]
            IP_ADDRESS                  | fe80::1ff:fe23:4567:890a%eth0            | [IP_ADDRESS]%eth0
            US_SOCIAL_SECURITY_NUMBER   | ssn 123-45-6789                          | ssn [US_SOCIAL_SECURITY_NUMBER]
            US_SOCIAL_SECURITY_NUMBER   | 123 45 6789                              | [US_SOCIAL_SECURITY_NUMBER]
            US_SOCIAL_SECURITY_NUMBER   | 123-45-6789 2024                         | [US_SOCIAL_SECURITY_NUMBER] 2024
            US_PASSPORT                 | Passport: 123456789                      | Passport: [US_PASSPORT]
            US_PASSPORT                 | passport no. A12345678                   | passport no. [US_PASSPORT]
            BRAZIL_CPF_NUMBER           | CPF 123.456.789-09                       | CPF [BRAZIL_CPF_NUMBER]
            BRAZIL_CPF_NUMBER           | 12345678909                              | [BRAZIL_CPF_NUMBER]
            URL                         | see https://example.com/a?b=c.           | see [URL].
            URL                         | (http://example.org/x_(y))               | ([URL]))
            URL                         | ftp://files.example.net:2121/pub         | [URL]
            URL                         | href="HTTPS://Example.com/p"             | href="[URL]"
            STORAGE_SIGNED_URL          | https://b.s3.amazonaws.com/k?X-Amz-Expires=60&X-Amz-Signature=ab12 | [STORAGE_SIGNED_URL]
            STORAGE_SIGNED_URL          | https://a.blob.core.windows.net/c/f?sv=2022-11-02&se=2024&sig=AbC%3D | [STORAGE_SIGNED_URL]
            STORAGE_SIGNED_URL          | https://d1.cloudfront.net/f?Expires=1705276800&Signature=xyz&Key-Pair-Id=K1 | [STORAGE_SIGNED_URL]
            STORAGE_SIGNED_URL          | https://storage.googleapis.com/b/o?X-Goog-Signature=0a1b | [STORAGE_SIGNED_URL]
            HTTP_COOKIE                 | `Cookie: sid=abc123; theme=dark\r\nHost: x` | `Cookie: [HTTP_COOKIE]\r\nHost: x`
            HTTP_COOKIE                 | set-cookie: id=a3fWa; Path=/; HttpOnly   | set-cookie: [HTTP_COOKIE]
            VEHICLE_IDENTIFICATION_NUMBER | vin 1M8GDM9AXKP042788                  | vin [VEHICLE_IDENTIFICATION_NUMBER]
            VEHICLE_IDENTIFICATION_NUMBER | 1HGCM82633A004352                      | [VEHICLE_IDENTIFICATION_NUMBER]
            IMEI_HARDWARE_ID            | imei 490154203237518                     | imei [IMEI_HARDWARE_ID]
            IMEI_HARDWARE_ID            | 35-209900-176148-1                       | [IMEI_HARDWARE_ID]
            DATE_OF_BIRTH               | DOB: 1985-03-12                          | DOB: [DATE_OF_BIRTH]
            DATE_OF_BIRTH               | date of birth 12/03/1985, joined 2020-01-01 | date of birth [DATE_OF_BIRTH], joined 2020-01-01
            DATE_OF_BIRTH               | born on 3.12.1985                        | born on [DATE_OF_BIRTH]
            AWS_ACCESS_KEY              | aws_access_key_id = AKIAIOSFODNN7EXAMPLE | aws_access_key_id = [AWS_ACCESS_KEY]
            AWS_ACCESS_KEY              | ASIAY34FZKBOKMUTVV7A                     | [AWS_ACCESS_KEY]
            JSON_WEB_TOKEN              | t=eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiIxMjM0In0.dozjgNryP4J3jVmNHl0w5N_XgL0n3I9PlFUP0THsR8U; | t=[JSON_WEB_TOKEN];
            JSON_WEB_TOKEN              | eyJhbGciOiJub25lIn0.eyJzdWIiOiJ4In0. (alg none) | [JSON_WEB_TOKEN] (alg none)
            PEM_PRIVATE_KEY             | `-----BEGIN RSA PRIVATE KEY-----\nMIIEab+/\n-----END RSA PRIVATE KEY-----\nnext` | `[PEM_PRIVATE_KEY]\nnext`
            PEM_PRIVATE_KEY             | `-----BEGIN OPENSSH PRIVATE KEY-----\nb3Blbn==\n-----END OPENSSH PRIVATE KEY-----` | [PEM_PRIVATE_KEY]
            PEM_PRIVATE_KEY             | `x -----BEGIN PRIVATE KEY-----\nMIIE\n(cut, no END line)` | x [PEM_PRIVATE_KEY]
            BEARER_TOKEN                | Authorization: Bearer abcdef0123456789XYZ | Authorization: Bearer [BEARER_TOKEN]
            BEARER_TOKEN                | `-H 'authorization: bearer 9f8e7d6c5b4a39281706'` | `-H 'authorization: bearer [BEARER_TOKEN]'`
            """)
    void findsTheValue(InfoType type, String text, String expected) {
        String in = text.replace("\\r", "\r").replace("\\n", "\n");
        Masker m = new Masker(MaskingPolicy.parse("types=ALL", null));
        assertEquals(expected.replace("\\r", "\r").replace("\\n", "\n"), m.maskText(in));
        assertEquals(type, m.counts().keySet().iterator().next(), "counted as " + m.counts());
    }

    /** Near misses and failed check digits: nothing is masked, and the same instance comes back. */
    @ParameterizedTest
    @ValueSource(strings = {
        "order ORD-2024-000123 shipped", "2024-01-15 10:30:00.123+00", "version 1.2.3 and v10.0.19045.2006", "4.2.18.Final",
        "1.2.3.4.5", "256.1.1.1", "192.168.001.001", "10:30:00", "mac 00:1a:2b:3c:4d:5e", "std::vector", "cafe babe",
        "user@localhost", "@handle", "a@b", "foo@bar..com", "amount 1,234,567.89", "ts 1700000000123",
        "4111 1111 1111 1112", "4111111111111112", "1234 5678 9012 3456",
        "DE89 3704 0044 0532 0130 01", "XX89370400440532013000", "ISO20022",
        "000-12-3456", "666-12-3456", "912-34-5678", "123-00-4567", "123-45-0000", "123-456-789", "94107-1234",
        "123.456.789-00", "111.111.111-11", "unlabelled 123456789",
        "example.com/path", "htp://x.org", "http//x.org",
        "cookie policy", "cookies: none", "the cookie: crumbled",
        "1M8GDM9AXKP042789", "1M8GDM9AXKP04278", "IOQGDM9AXKP042788",
        "490154203237519", "49015420323751",
        "created 2024-01-15", "DOB: unknown",
        "AKIAIOSFODNN7EXAMPL", "AKIB1234567890ABCDEF", "AKIA0123456789ABCDEF",
        "eyJhbGciOiJIUzI1NiJ9", "eyJhbGciOiJIUzI1NiJ9.payload",
        "-----BEGIN CERTIFICATE-----\nMIIB\n-----END CERTIFICATE-----", "-----BEGIN PUBLIC KEY-----",
        "the bearer of bad news", "Bearer short", "(415) 055-2671", "123-555-2671", "+0123456789", "+123",
        "555-2671", "uuid 550e8400-e29b-41d4-a716-446655440000", "sha 83ac9890d6be70267d468854350be856296c315d"
    })
    void leavesLookAlikes(String text) {
        assertSame(text, masker.maskText(text), () -> "masked: " + masker.maskText(text));
    }

    /** Only the policy's types are looked for. */
    @ParameterizedTest
    @CsvSource(delimiter = '|', textBlock = """
            EMAIL_ADDRESS      | a@example.com 4111111111111111 | [EMAIL_ADDRESS] 4111111111111111
            CREDIT_CARD_NUMBER | a@example.com 4111111111111111 | a@example.com [CREDIT_CARD_NUMBER]
            URL                | https://x.io/?X-Amz-Signature=1 | [URL]
            STORAGE_SIGNED_URL | https://x.io/?X-Amz-Signature=1 https://y.io/ | [STORAGE_SIGNED_URL] https://y.io/
            """)
    void onlyTheConfiguredTypes(String types, String text, String expected) {
        Masker m = new Masker(MaskingPolicy.parse("types=" + types, null));
        assertEquals(expected, m.maskText(text));
        assertEquals(Map.of(InfoType.valueOf(types), 1L), m.counts());
    }

    /** A type configured but not found, or nothing configured: the same instance. */
    @ParameterizedTest
    @ValueSource(strings = {"", "types=", "columns=email"})
    void nothingToLookFor(String config) {
        Masker m = new Masker(MaskingPolicy.parse(config, null));
        String text = "a@example.com 4111111111111111";
        assertSame(text, m.maskText(text));
        assertSame(text, m.maskValue("note", text));
    }
}
