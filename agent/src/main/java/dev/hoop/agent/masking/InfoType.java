package dev.hoop.agent.masking;

/** STAND-IN (masking-wire): replaced by the engine's file at merge. The info types masking can redact. */
public enum InfoType { EMAIL_ADDRESS, PHONE_NUMBER, CREDIT_CARD_NUMBER, IBAN_CODE, IP_ADDRESS,
    US_SOCIAL_SECURITY_NUMBER, US_PASSPORT, BRAZIL_CPF_NUMBER, URL, HTTP_COOKIE, STORAGE_SIGNED_URL,
    VEHICLE_IDENTIFICATION_NUMBER, IMEI_HARDWARE_ID, DATE_OF_BIRTH, AWS_ACCESS_KEY, JSON_WEB_TOKEN,
    PEM_PRIVATE_KEY, BEARER_TOKEN,
    /** a whole value masked because its column matched a column rule */ COLUMN }
