package dev.hoop.common.pgwire;

import java.util.ArrayList;
import java.util.List;

/**
 * Decodes one Query, Parse, Bind or Execute body as it streams past, in chunks of any size, into a
 * {@link StatementEvent}, keeping only bounded parts of its strings and values (see {@link
 * TextCapture}). Fields are read one after another: a C string, an Int16, an Int32 or a run of
 * bytes; {@link #next()} decides the next field from what was read.
 */
final class MessageReader {
    /** Names of statements and portals are identifiers; more than this is kept only in part. */
    private static final int NAME_BYTES = 1024;

    private enum Field { CSTRING, INT16, INT32, BYTES, REST }

    private final char type;
    private final int recordedBytes;
    private final String what;
    private Field field;
    private int fieldIndex;
    private TextCapture capture;
    private int intValue;
    private int intFilled;
    private long bytesLeft;

    // What was read so far.
    private final List<TextCapture> strings = new ArrayList<>(2);
    private int int32;
    private short[] formats;
    private int formatCount;
    private int parameterCount = -1;
    private int parameterIndex;
    private int parameterBudget;
    private final List<StatementEvent.Parameter> parameters = new ArrayList<>();

    MessageReader(char type, int recordedBytes) {
        this.type = type;
        this.recordedBytes = recordedBytes;
        this.what = switch (type) {
            case FrontendMessages.QUERY -> "Query";
            case FrontendMessages.PARSE -> "Parse";
            case FrontendMessages.BIND -> "Bind";
            case FrontendMessages.EXECUTE -> "Execute";
            default -> throw new IllegalArgumentException("not a statement message: " + type);
        };
        this.parameterBudget = recordedBytes;
        cstring(type == FrontendMessages.QUERY ? recordedBytes : NAME_BYTES, type == FrontendMessages.QUERY);
    }

    void feed(byte[] bytes, int offset, int length) {
        int p = offset;
        int end = offset + length;
        while (p < end) {
            switch (field) {
                case CSTRING -> {
                    int nul = p;
                    while (nul < end && bytes[nul] != 0) {
                        nul++;
                    }
                    capture.add(bytes, p, nul - p);
                    if (nul == end) {
                        return;
                    }
                    p = nul + 1;
                    strings.add(capture);
                    next();
                }
                case INT16, INT32 -> {
                    intValue = intValue << 8 | (bytes[p++] & 0xff);
                    if (++intFilled == (field == Field.INT16 ? 2 : 4)) {
                        next();
                    }
                }
                case BYTES -> {
                    int n = (int) Math.min(bytesLeft, end - p);
                    capture.add(bytes, p, n);
                    p += n;
                    bytesLeft -= n;
                    if (bytesLeft == 0) {
                        next();
                    }
                }
                case REST -> {
                    return; // trailing bytes the server will reject; nothing of them is recorded
                }
            }
        }
    }

    /** The event, once the whole body was fed. */
    StatementEvent finish() {
        if (field == Field.CSTRING) {
            throw new PgWireException(what + ": string not terminated by NUL");
        }
        if (field != Field.REST) {
            throw new PgWireException(what + ": message shorter than its fields");
        }
        return switch (type) {
            case FrontendMessages.QUERY -> new StatementEvent.Query(strings.get(0).text());
            case FrontendMessages.PARSE -> new StatementEvent.Parse(strings.get(0).headText(), strings.get(1).text());
            case FrontendMessages.BIND -> new StatementEvent.Bind(strings.get(0).headText(), strings.get(1).headText(), parameters);
            default -> new StatementEvent.Execute(strings.get(0).headText(), int32);
        };
    }

    /** Called when a field is complete: chooses the next one. */
    private void next() {
        int index = fieldIndex++;
        switch (type) {
            case FrontendMessages.QUERY -> rest();
            case FrontendMessages.PARSE -> {
                if (index == 0) {
                    cstring(recordedBytes, true); // the SQL
                } else {
                    rest(); // parameter type OIDs: nothing to record
                }
            }
            case FrontendMessages.EXECUTE -> {
                if (index == 0) {
                    integer(Field.INT32);
                } else {
                    int32 = intValue;
                    rest();
                }
            }
            default -> nextBindField(index);
        }
    }

    private void nextBindField(int index) {
        if (index == 0) {
            cstring(NAME_BYTES, false); // statement name, after the portal
        } else if (index == 1) {
            integer(Field.INT16); // format code count
        } else if (formats == null) {
            int count = (short) intValue;
            if (count < 0) {
                throw new PgWireException("Bind: " + count + " format codes");
            }
            formats = new short[count];
            formatAfterCount();
        } else if (formatCount < formats.length) {
            formats[formatCount++] = (short) intValue;
            formatAfterCount();
        } else if (parameterCount < 0) {
            parameterCount = (short) intValue;
            if (parameterCount < 0) {
                throw new PgWireException("Bind: " + parameterCount + " parameters");
            }
            if (formats.length > 1 && formats.length != parameterCount) {
                throw new PgWireException("Bind: " + formats.length + " format codes for " + parameterCount + " parameters");
            }
            nextParameter();
        } else if (field == Field.INT32) {
            int length = intValue;
            if (length == -1) {
                parameters.add(StatementEvent.Parameter.NULL);
                parameterIndex++;
                nextParameter();
            } else if (length < 0) {
                throw new PgWireException("Bind: parameter " + (parameterIndex + 1) + " with length " + length);
            } else {
                capture = new TextCapture(parameterBudget, false);
                bytesLeft = length;
                field = Field.BYTES;
                if (length == 0) {
                    next();
                }
            }
        } else { // a parameter's bytes are complete
            short format = formats.length == 0 ? 0 : formats.length == 1 ? formats[0] : formats[parameterIndex];
            parameterBudget -= capture.recordedBytes();
            parameters.add(format == 0
                    ? new StatementEvent.Parameter(capture.headText(), capture.shownBytes(), capture.length())
                    : new StatementEvent.Parameter(capture.headHex(), capture.recordedBytes(), capture.length()));
            parameterIndex++;
            nextParameter();
        }
    }

    /** The next Int16: another format code, or (after the last) the parameter count. */
    private void formatAfterCount() {
        integer(Field.INT16);
    }

    private void nextParameter() {
        if (parameterIndex < parameterCount) {
            integer(Field.INT32);
        } else {
            rest(); // result format codes: nothing to record
        }
    }

    private void cstring(int limit, boolean hashed) {
        field = Field.CSTRING;
        capture = new TextCapture(limit, hashed);
    }

    private void integer(Field size) {
        field = size;
        intValue = 0;
        intFilled = 0;
    }

    private void rest() {
        field = Field.REST;
        capture = null;
    }
}
