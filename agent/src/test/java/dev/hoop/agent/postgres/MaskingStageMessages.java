package dev.hoop.agent.postgres;

import static org.assertj.core.api.Assertions.assertThat;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.embedded.EmbeddedChannel;
import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/** PostgreSQL messages as bytes for the masking stage's tests: built, sent through a channel, read back. */
final class MaskingStageMessages {
    /** A value the tests' policy (types=EMAIL_ADDRESS) masks wherever it appears. */
    static final String EMAIL = "jane.doe@example.com";
    /** Type OIDs (pg_type) of the columns in these tests. */
    static final int TEXT = 25;
    static final int INT4 = 23;
    static final int JSONB = 3802;
    static final int INET = 869;

    private MaskingStageMessages() {}

    record Col(String name, int oid, int format) {}

    record Msg(char type, byte[] body) {}

    static Col col(String name, int oid, int format) {
        return new Col(name, oid, format);
    }

    static byte[] msg(char type, byte[] body) {
        return ByteBuffer.allocate(5 + body.length).put((byte) type).putInt(4 + body.length).put(body).array();
    }

    static byte[] rowDescription(Col... cols) {
        ByteArrayOutputStream b = new ByteArrayOutputStream();
        b.write(0);
        b.write(cols.length);
        for (Col c : cols) {
            b.writeBytes(cstring(c.name()));
            b.writeBytes(ByteBuffer.allocate(18).putInt(0).putShort((short) 0).putInt(c.oid()).putShort((short) -1).putInt(-1)
                    .putShort((short) c.format()).array());
        }
        return msg('T', b.toByteArray());
    }

    static byte[] dataRow(String... values) {
        byte[][] raw = new byte[values.length][];
        for (int i = 0; i < values.length; i++) {
            raw[i] = values[i] == null ? null : values[i].getBytes(StandardCharsets.UTF_8);
        }
        return dataRowBytes(raw);
    }

    static byte[] dataRowBytes(byte[]... values) {
        ByteArrayOutputStream b = new ByteArrayOutputStream();
        b.writeBytes(ByteBuffer.allocate(2).putShort((short) values.length).array());
        for (byte[] v : values) {
            b.writeBytes(ByteBuffer.allocate(4).putInt(v == null ? -1 : v.length).array());
            if (v != null) {
                b.writeBytes(v);
            }
        }
        return msg('D', b.toByteArray());
    }

    static byte[] commandComplete(String tag) {
        return msg('C', cstring(tag));
    }

    static byte[] readyForQuery() {
        return msg('Z', new byte[] {'I'});
    }

    static byte[] fields(char type, String... kv) {
        ByteArrayOutputStream b = new ByteArrayOutputStream();
        for (int i = 0; i < kv.length; i += 2) {
            b.write(kv[i].charAt(0));
            b.writeBytes(cstring(kv[i + 1]));
        }
        b.write(0);
        return msg(type, b.toByteArray());
    }

    static byte[] parse(String name) {
        return msg('P', concat(cstring(name), cstring("select 1"), new byte[] {0, 0}));
    }

    static byte[] describe(char kind, String name) {
        return msg('D', concat(new byte[] {(byte) kind}, cstring(name)));
    }

    static byte[] bind(String portal, String statement, short resultFormat) {
        return msg('B', concat(cstring(portal), cstring(statement), new byte[] {0, 0, 0, 0, 0, 1, 0, (byte) resultFormat}));
    }

    static byte[] execute(String portal) {
        return msg('E', concat(cstring(portal), new byte[4]));
    }

    static byte[] sync() {
        return msg('S', new byte[0]);
    }

    static byte[] cstring(String s) {
        return concat(s.getBytes(StandardCharsets.UTF_8), new byte[1]);
    }

    static byte[] concat(byte[]... parts) {
        ByteArrayOutputStream b = new ByteArrayOutputStream();
        for (byte[] p : parts) {
            b.writeBytes(p);
        }
        return b.toByteArray();
    }

    /** Writes the bytes into the channel as the server's and returns all it passed on. */
    static byte[] send(EmbeddedChannel ch, byte[] in) {
        ch.writeInbound(Unpooled.wrappedBuffer(in));
        return readAll(ch);
    }

    /** What the channel passed on so far, in one piece. */
    static byte[] readAll(EmbeddedChannel ch) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ByteBuf r;
        while ((r = ch.readInbound()) != null) {
            byte[] bytes = new byte[r.readableBytes()];
            r.readBytes(bytes);
            r.release();
            out.writeBytes(bytes);
        }
        return out.toByteArray();
    }

    static List<Msg> messages(byte[] bytes) {
        List<Msg> out = new ArrayList<>();
        ByteBuffer in = ByteBuffer.wrap(bytes);
        while (in.hasRemaining()) {
            char type = (char) in.get();
            byte[] body = new byte[in.getInt() - 4];
            in.get(body);
            out.add(new Msg(type, body));
        }
        return out;
    }

    static Msg onlyMessage(byte[] bytes) {
        List<Msg> msgs = messages(bytes);
        assertThat(msgs).hasSize(1);
        return msgs.getFirst();
    }

    static List<byte[]> rawValues(Msg row) {
        ByteBuffer in = ByteBuffer.wrap(row.body());
        int n = in.getShort();
        List<byte[]> out = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            int len = in.getInt();
            if (len < 0) {
                out.add(null);
            } else {
                byte[] v = new byte[len];
                in.get(v);
                out.add(v);
            }
        }
        assertThat(in.hasRemaining()).as("nothing after the values").isFalse();
        return out;
    }

    static List<String> values(Msg row) {
        return rawValues(row).stream().map(v -> v == null ? null : new String(v, StandardCharsets.UTF_8)).toList();
    }

    static String field(Msg m, char code) {
        byte[] b = m.body();
        int i = 0;
        while (i < b.length && b[i] != 0) {
            int end = i + 1;
            while (b[end] != 0) {
                end++;
            }
            if (b[i] == code) {
                return new String(b, i + 1, end - i - 1, StandardCharsets.UTF_8);
            }
            i = end + 1;
        }
        return null;
    }
}
