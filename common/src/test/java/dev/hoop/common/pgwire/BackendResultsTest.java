package dev.hoop.common.pgwire;

import static org.assertj.core.api.Assertions.assertThat;

import dev.hoop.common.pgwire.BackendResults.Result;
import java.io.ByteArrayOutputStream;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class BackendResultsTest {
    private static byte[] message(char type, byte[] body) {
        return PgWriter.typed(type).bytes(body).build();
    }

    private static byte[] commandComplete(String tag) {
        return PgWriter.typed('C').cstring(tag).build();
    }

    private static byte[] dataRow(int size) {
        return message('D', new byte[size]);
    }

    /** A psql session as the agent answers it: encryption refused, login, a select with rows, an error, the ready markers. */
    private static byte[] session() {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        out.writeBytes(new byte[] {BackendMessages.ENCRYPTION_REFUSED});
        out.writeBytes(BackendMessages.authenticationOk());
        out.writeBytes(BackendMessages.parameterStatus("server_version", "15"));
        out.writeBytes(BackendMessages.backendKeyData(42, 7));
        out.writeBytes(BackendMessages.readyForQuery('I'));
        out.writeBytes(message('T', new byte[30]));
        out.writeBytes(dataRow(100));
        out.writeBytes(dataRow(70_000));
        out.writeBytes(commandComplete("SELECT 2"));
        out.writeBytes(BackendMessages.readyForQuery('I'));
        out.writeBytes(ErrorResponse.error("42P01", "relation \"nope\" does not exist", null).encode());
        out.writeBytes(BackendMessages.readyForQuery('I'));
        out.writeBytes(message('I', new byte[0]));
        out.writeBytes(BackendMessages.readyForQuery('T'));
        return out.toByteArray();
    }

    private static final List<Result> EXPECTED = List.of(
            new Result.Ready('I'),
            new Result.Complete("SELECT 2"),
            new Result.Ready('I'),
            new Result.Failed(new ErrorResponse("ERROR", "42P01", "relation \"nope\" does not exist", null, null), null),
            new Result.Ready('I'),
            new Result.Empty(),
            new Result.Ready('T'));

    @Test
    void findsTagsErrorsAndReadyMarkersInOrderAndNothingElse() {
        assertThat(new BackendResults(true).feed(session())).isEqualTo(EXPECTED);
    }

    @ParameterizedTest
    @CsvSource({"1", "2", "3", "5", "7", "4096"})
    void chunkBoundariesDoNotMatter(int chunk) {
        byte[] all = session();
        BackendResults results = new BackendResults(true);
        List<Result> got = new ArrayList<>();
        for (int p = 0; p < all.length; p += chunk) {
            got.addAll(results.feed(all, p, Math.min(chunk, all.length - p)));
        }
        assertThat(got).isEqualTo(EXPECTED);
    }

    @Test
    void aReadOnlyDirectBufferIsReadWhereItStandsAndLeftUnmoved() {
        byte[] all = session();
        java.nio.ByteBuffer direct = java.nio.ByteBuffer.allocateDirect(all.length + 10);
        direct.put(new byte[10]).put(all).flip().position(10);
        java.nio.ByteBuffer view = direct.asReadOnlyBuffer();
        assertThat(new BackendResults(true).feed(view)).isEqualTo(EXPECTED);
        assertThat(view.position()).isEqualTo(10);
    }

    @ParameterizedTest
    @CsvSource({"'SELECT 3', 3", "'INSERT 0 5', 5", "'UPDATE 12', 12", "'COPY 5000', 5000", "'BEGIN', -1", "'CREATE TABLE', -1"})
    void rowsComeFromTheCommandTag(String tag, long rows) {
        assertThat(new Result.Complete(tag).rows()).isEqualTo(rows);
    }

    @Test
    void anOversizedErrorIsReportedByItsLengthWithoutBeingBuffered() {
        byte[] huge = ErrorResponse.error("XX000", "x".repeat(BackendResults.ERROR_BYTES + 10), null).encode();
        List<Result> got = new BackendResults(false).feed(huge);
        assertThat(got).hasSize(1);
        Result.Failed f = (Result.Failed) got.getFirst();
        assertThat(f.error()).isNull();
        assertThat(f.describe()).isEqualTo("an error of " + (huge.length - 5) + " bytes (not decoded)");
    }

    @Test
    void aMalformedErrorIsReportedNotThrown() {
        byte[] bad = message('E', new byte[] {'M', 'h', 'i', 0, 0}); // no SQLSTATE
        Result.Failed f = (Result.Failed) new BackendResults(false).feed(bad).getFirst();
        assertThat(f.describe()).isEqualTo("a malformed error (ErrorResponse without SQLSTATE (C))");
    }

    @Test
    void aLongTagIsCutNotBuffered() {
        String tag = "SELECT " + "9".repeat(5000);
        Result.Complete c = (Result.Complete) new BackendResults(false).feed(commandComplete(tag)).getFirst();
        assertThat(c.tag()).hasSize(BackendResults.TAG_BYTES).startsWith("SELECT 999");
    }

    @Test
    void aNegativeLengthDoesNotStopTheReaderOrThrow() {
        byte[] broken = {'D', (byte) 0xff, (byte) 0xff, (byte) 0xff, (byte) 0xff};
        BackendResults results = new BackendResults(false);
        assertThat(results.feed(broken)).isEmpty();
        assertThat(results.feed(BackendMessages.readyForQuery('I'))).containsExactly(new Result.Ready('I'));
    }
}
