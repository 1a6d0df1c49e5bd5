package dev.hoop.agent.masking;

/**
 * What a redaction found: the built-in detectors' types (docs/masking.md#info-types), and
 * {@link #COLUMN} for a whole value masked because its column matched a column rule.
 */
public enum InfoType {
    EMAIL_ADDRESS, PHONE_NUMBER, CREDIT_CARD_NUMBER, IBAN_CODE, IP_ADDRESS,
    US_SOCIAL_SECURITY_NUMBER, US_PASSPORT, BRAZIL_CPF_NUMBER, URL, HTTP_COOKIE, STORAGE_SIGNED_URL,
    VEHICLE_IDENTIFICATION_NUMBER, IMEI_HARDWARE_ID, DATE_OF_BIRTH, AWS_ACCESS_KEY, JSON_WEB_TOKEN,
    PEM_PRIVATE_KEY, BEARER_TOKEN,
    /** a whole value masked because its column matched a column rule */
    COLUMN;

    /** Bit of this type in a {@code long} set (ordinals stay below 64). */
    long bit() {
        return 1L << ordinal();
    }
}
