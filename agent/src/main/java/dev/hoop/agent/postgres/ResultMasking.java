package dev.hoop.agent.postgres;

import dev.hoop.agent.dlp.TextMasker;

/**
 * Masks what a PostgreSQL server sends, message by message: each {@code DataRow} value per column
 * (the column's name and format from the {@code RowDescription} that applies), the text fields of
 * notices and errors, {@code COPY … TO STDOUT} rows and notification payloads. This class only says
 * which messages are examined and hands each to its family: {@link RowDescriptions} follows the
 * client's requests and the server's answers to tell which columns a row has, {@link DataRowMasking}
 * masks a row's values, {@link FreeTextMasking} masks notices, errors, notifications and COPY rows,
 * and {@link ClientEncoding} decodes them all. Anything that cannot be attributed or read (a row
 * without a known description, binary formats it cannot read, binary COPY, a function call result)
 * is refused with a {@link MaskingRefusal}: masking fails closed, the clear value never passes.
 *
 * <p>Not thread-safe: one per connection, used on its event loop.
 */
final class ResultMasking {
    private final RowDescriptions descriptions = new RowDescriptions();
    private final ClientEncoding encoding = new ClientEncoding();
    private final DataRowMasking rows;
    private final FreeTextMasking freeText;

    ResultMasking(TextMasker masker, boolean hasColumnRules) {
        this.rows = new DataRowMasking(masker, encoding);
        this.freeText = new FreeTextMasking(masker, encoding, hasColumnRules);
    }

    /** Whether {@link #server} must see this message type whole (the others are relayed unexamined). */
    static boolean examines(char type) {
        return switch (type) {
            case 'D', 'T', 'n', 't', '1', '2', '3', 'C', 'I', 's', 'E', 'N', 'Z', 'H', 'W', 'd', 'c', 'V', 'A', 'S' -> true;
            default -> false;
        };
    }

    /** Whether the client's message of this type is one {@link #client} follows. */
    static boolean follows(char type) {
        return switch (type) {
            case 'P', 'B', 'D', 'E', 'C', 'S', 'Q', 'F' -> true;
            default -> false;
        };
    }

    /** A message the client sent to the server (after the startup), in order. */
    void client(char type, byte[] body) {
        descriptions.client(type, body);
    }

    /** A followed client message too large to read ({@link RowDescriptions#clientUnreadable}). */
    void clientUnreadable(char type) {
        descriptions.clientUnreadable(type);
    }

    /**
     * One whole message from the server ({@link #examines} its type).
     *
     * @return the message to send instead (type, length, body), or null to send it unchanged
     * @throws MaskingRefusal when it cannot be masked
     */
    byte[] server(char type, byte[] body) {
        return switch (type) {
            case 'D' -> rows.mask(body, descriptions.columnsOfRow());
            case 'T', 'n', 't', '1', '2', '3' -> {
                descriptions.server(type, body);
                yield null;
            }
            case 'C', 'I', 's', 'Z' -> {
                descriptions.server(type, body);
                freeText.copyOutEnds();
                yield null;
            }
            case 'E' -> {
                errorArrives(body);
                yield freeText.fields('E', body);
            }
            case 'H' -> {
                descriptions.server(type, body);
                freeText.copyOutStarts(body);
                yield null;
            }
            case 'd' -> freeText.copyData(body);
            case 'c' -> {
                freeText.copyOutEnds();
                yield null;
            }
            case 'W' -> throw new MaskingRefusal("0A000", "COPY BOTH (replication) cannot be masked");
            case 'V' -> throw new MaskingRefusal("0A000", "function call results (the FunctionCall message) cannot be masked; use a query");
            case 'N' -> freeText.fields('N', body);
            case 'A' -> freeText.notification(body);
            case 'S' -> {
                encoding.parameterStatus(body);
                yield null;
            }
            default -> null;
        };
    }

    /** An ErrorResponse ends the request it answers, and any COPY of it. */
    private void errorArrives(byte[] body) {
        descriptions.server('E', body);
        freeText.copyOutEnds();
    }

    /**
     * The remote masker's half of {@link #server} for a message with free text
     * ({@link FreeTextMasking#carriesText}): the same checks and state, the texts to mask, no masking yet.
     *
     * @return null when it carries nothing to mask (CopyData outside a COPY out)
     */
    FreeTextMasking.Texts texts(char type, byte[] body) {
        if (type == 'E') {
            errorArrives(body);
        }
        return freeText.texts(type, body);
    }

    /** The remote masker's half of {@link #server} for a DataRow: the same checks, no masking yet. */
    DataRows.Row row(byte[] body) {
        return rows.decode(body, descriptions.columnsOfRow());
    }
}
