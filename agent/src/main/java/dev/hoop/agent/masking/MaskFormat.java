package dev.hoop.agent.masking;

/**
 * How a found value is replaced (docs/masking.md#formats).
 * <ul>
 * <li>{@link #KEEP_SHAPE}: letters and digits become {@code *}, separators stay; a few types keep a
 * harmless part ({@code j***@*******.com}, {@code ***-**-6789}, the last four digits of a card).</li>
 * <li>{@link #TOKEN}: the type's name in brackets, {@code [EMAIL_ADDRESS]}.</li>
 * <li>{@link #HASH}: the type and a keyed HMAC-SHA256 of the value, {@code EMAIL_ADDRESS:3f9a1c2b7d0e5f41}:
 * the same value gives the same token (joins and counts still work), nobody without the key can
 * test a guess.</li>
 * </ul>
 */
public enum MaskFormat { KEEP_SHAPE, TOKEN, HASH }
