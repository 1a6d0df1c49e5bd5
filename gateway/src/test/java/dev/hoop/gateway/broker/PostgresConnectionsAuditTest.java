package dev.hoop.gateway.broker;

import static org.assertj.core.api.Assertions.assertThat;

import dev.hoop.common.pgwire.FrontendMessages;
import dev.hoop.common.pgwire.StartupPacket;
import dev.hoop.common.wire.AgentPacket;
import dev.hoop.common.wire.SpecKey;
import dev.hoop.common.wire.Wire;
import dev.hoop.gateway.audit.AuditLog;
import dev.hoop.gateway.audit.SessionRecording;
import dev.hoop.gateway.store.AuditEvent;
import dev.hoop.proto.Packet;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** One connect session, many client sockets: each gets a number, and its events carry it. */
class PostgresConnectionsAuditTest {
    @TempDir
    Path dir;

    private final List<AuditEvent> stored = new ArrayList<>();

    private static final byte[] STARTUP = new StartupPacket.StartupMessage(StartupPacket.PROTOCOL_3_0, Map.of("user", "u")).encode();

    private static Packet write(String clientId, byte[] payload) {
        return Wire.packet(AgentPacket.PG_CONNECTION_WRITE, Map.of(SpecKey.CLIENT_CONNECTION_ID, clientId), payload);
    }

    private static Packet close(String clientId) {
        return Wire.packet(AgentPacket.CLOSE_TCP_CONNECTION, Map.of(SpecKey.CLIENT_CONNECTION_ID, clientId), null);
    }

    private static List<String> texts(List<AuditEvent> events) {
        return events.stream().map(e -> e.type() + "#" + e.connection() + ":" + new String(e.data(), StandardCharsets.UTF_8)).toList();
    }

    @Test
    void eachClientSocketIsNumberedInTheOrderItWasFirstSeen() {
        SessionRecording rec = AuditLog.open(dir, (id, events) -> stored.addAll(events)).start(UUID.randomUUID());
        PostgresInputAuditor auditor = new PostgresInputAuditor(1024);
        // the client's ids are its own business: numbers far apart, text, reused after a close
        auditor.fromClient(rec, write("77", STARTUP));
        auditor.fromClient(rec, write("not-a-number", STARTUP));
        auditor.fromClient(rec, write("77", FrontendMessages.query("select 'from 77'")));
        auditor.fromClient(rec, write("not-a-number", FrontendMessages.query("select 'from text'")));
        auditor.fromClient(rec, close("77"));
        auditor.fromClient(rec, close("77")); // twice: recorded once
        auditor.fromClient(rec, close("never-seen")); // a close of nothing: not an event
        auditor.fromClient(rec, write("77", STARTUP)); // the id again: a new connection
        auditor.fromClient(rec, write("77", FrontendMessages.query("select 'again'")));
        auditor.closed(rec); // the session ends: those still open end with it
        rec.finish();

        assertThat(texts(stored)).containsExactly(
                "c#1:client connection 1 opened",
                "c#2:client connection 2 opened",
                "i#1:select 'from 77'",
                "i#2:select 'from text'",
                "x#1:client connection 1 closed",
                "c#3:client connection 3 opened",
                "i#3:select 'again'",
                "x#2:client connection 2 closed",
                "x#3:client connection 3 closed");
    }
}
