package dev.hoop.gateway.broker;

import static org.assertj.core.api.Assertions.assertThat;

import dev.hoop.common.wire.AgentPacket;
import dev.hoop.common.wire.ClientPacket;
import dev.hoop.common.wire.SpecKey;
import dev.hoop.common.wire.Wire;
import dev.hoop.gateway.audit.TestAuditLogs;
import dev.hoop.proto.Packet;
import io.grpc.stub.StreamObserver;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The broker forwards a packet to the peer only once its audit event is in the session's file, and
 * ends the session, forwarding nothing, when that write fails: a slow disk and a full one.
 */
class AuditBeforeForwardTest extends BrokerTestBase {

    /** Passes packets on to a probe, noting first whether the session's audit file held each one's payload. */
    private static final class OnDiskCheck implements StreamObserver<Packet> {
        final PacketProbe probe = new PacketProbe();
        final List<String> notOnDisk = new CopyOnWriteArrayList<>();
        final Path auditDir;

        OnDiskCheck(Path auditDir) {
            this.auditDir = auditDir;
        }

        @Override
        public void onNext(Packet p) {
            String sid = Wire.spec(p, SpecKey.GATEWAY_SESSION_ID);
            if (!p.getPayload().isEmpty() && sid != null) {
                try {
                    byte[] file = Files.readAllBytes(auditDir.resolve(sid + ".wal"));
                    if (!new String(file, StandardCharsets.ISO_8859_1).contains(p.getPayload().toString(StandardCharsets.ISO_8859_1))) {
                        notOnDisk.add(p.getType() + " " + p.getPayload().toStringUtf8());
                    }
                } catch (java.io.IOException e) {
                    notOnDisk.add(p.getType() + ": " + e);
                }
            }
            probe.onNext(p);
        }

        @Override
        public void onError(Throwable t) {
            probe.onError(t);
        }

        @Override
        public void onCompleted() {
            probe.onCompleted();
        }
    }

    @Test
    @org.junit.jupiter.api.Timeout(60)
    void aPacketIsForwardedOnlyOnceItsAuditEventIsInTheFile(@TempDir Path slowDir) throws Exception {
        h.close();
        // a slow disk: forwarding before the write completes would let the peer see the packet first
        h = new BrokerHarness(slowDir, (dir, store) -> TestAuditLogs.onSlowDisk(dir, store, 20));
        OnDiskCheck agentIn = new OnDiskCheck(slowDir);
        StreamObserver<Packet> agentOut = h.stub(Wire.ORIGIN_AGENT, null).connect(agentIn);
        assertThat(agentIn.probe.next().getType()).isEqualTo(AgentPacket.GATEWAY_CONNECT_OK);
        h.awaitAgentOnline();
        OnDiskCheck clientIn = new OnDiskCheck(slowDir);
        StreamObserver<Packet> clientOut = h.stub(Wire.ORIGIN_CLIENT, "pg").connect(clientIn);
        clientOut.onNext(Wire.packet(AgentPacket.SESSION_OPEN, Map.of(), utf8("select 1;")));
        String sid = Wire.spec(agentIn.probe.next(), SpecKey.GATEWAY_SESSION_ID);
        agentOut.onNext(Wire.packet(ClientPacket.SESSION_OPEN_OK, Map.of(SpecKey.GATEWAY_SESSION_ID, sid), null));
        assertThat(clientIn.probe.next().getType()).isEqualTo(ClientPacket.SESSION_OPEN_OK);

        int rounds = 20;
        for (int i = 0; i < rounds; i++) {
            clientOut.onNext(Wire.packet(AgentPacket.EXEC_WRITE_STDIN, Map.of(), utf8("in-" + i + ";")));
            agentOut.onNext(Wire.packet(ClientPacket.WRITE_STDOUT, Map.of(SpecKey.GATEWAY_SESSION_ID, sid), utf8("out-" + i + ";")));
        }
        for (int i = 0; i < rounds; i++) {
            assertThat(agentIn.probe.next().getPayload().toStringUtf8()).isEqualTo("in-" + i + ";");
            assertThat(clientIn.probe.next().getPayload().toStringUtf8()).isEqualTo("out-" + i + ";");
        }
        assertThat(agentIn.notOnDisk).isEmpty();
        assertThat(clientIn.notOnDisk).isEmpty();
        clientOut.onCompleted();
        assertThat(agentIn.probe.next().getType()).isEqualTo(AgentPacket.SESSION_CLOSE);
        assertThat(agentIn.probe.packets).isEmpty();
        agentOut.onCompleted();
    }

    @Test
    @org.junit.jupiter.api.Timeout(60)
    void aFailedAuditWriteEndsTheSessionAndForwardsNothing(@TempDir Path fullDiskDir) throws Exception {
        try (BrokerHarness full = new BrokerHarness(fullDiskDir, TestAuditLogs::onFullDisk)) {
            PacketProbe agentIn = new PacketProbe();
            StreamObserver<Packet> agentOut = full.connectAgent(agentIn);
            full.awaitAgentOnline();
            PacketProbe clientIn = new PacketProbe();
            StreamObserver<Packet> clientOut = full.stub(Wire.ORIGIN_CLIENT, "pg").connect(clientIn);
            clientOut.onNext(Wire.packet(AgentPacket.SESSION_OPEN, Map.of(), utf8("drop table t;")));

            String reason = "the gateway cannot record this session (audit log unavailable); try again later";
            Packet close = clientIn.next();
            assertThat(close.getType()).isEqualTo(ClientPacket.SESSION_CLOSE);
            assertThat(close.getPayload().toStringUtf8()).isEqualTo(reason);
            assertThat(clientIn.ended().isOk()).isTrue();
            assertThat(clientIn.packets).isEmpty();
            // the agent never saw the unrecorded open, only the order to free the session
            Packet freed = agentIn.next();
            assertThat(freed.getType()).isEqualTo(AgentPacket.SESSION_CLOSE);
            UUID id = UUID.fromString(Wire.spec(freed, SpecKey.GATEWAY_SESSION_ID));
            assertThat(full.closed.get(id)).containsExactly(null, reason);
            assertThat(agentIn.packets).isEmpty();
            agentOut.onCompleted();
        }
    }
}
