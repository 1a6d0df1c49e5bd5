package dev.hoop.gateway.review;

import static org.assertj.core.api.Assertions.assertThat;

import dev.hoop.common.dsn.AgentDsn;
import dev.hoop.common.wire.AgentPacket;
import dev.hoop.common.wire.ClientPacket;
import dev.hoop.common.wire.GatewayPacket;
import dev.hoop.common.wire.SpecKey;
import dev.hoop.common.wire.Wire;
import dev.hoop.gateway.GatewayFixture;
import dev.hoop.gateway.GrpcProbe;
import dev.hoop.gateway.TestGateway;
import dev.hoop.proto.Packet;
import io.grpc.ManagedChannel;
import io.grpc.Status;
import io.grpc.netty.NettyChannelBuilder;
import java.nio.charset.StandardCharsets;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Reviews on a real gateway and database, with a gRPC probe as the agent and as the client: one-off
 * reviews with two approver groups (approve, reject), the stored script running once, self-approval
 * and outsiders refused, jit grants (pass, revoke ending the open session), the API's exec.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class ReviewFlowTest {
    @RegisterExtension
    static final GatewayFixture fixture = GatewayFixture.gateway().admin("boss@example.com", "boss-password");
    TestGateway gw;
    ManagedChannel channel;
    String admin;
    String dev;
    String dba;
    String sre;
    String outsider;
    GrpcProbe.Stream agent;

    @BeforeAll
    void start() throws Exception {
        gw = fixture.gw();
        channel = NettyChannelBuilder.forAddress("127.0.0.1", gw.server.grpcPort()).usePlaintext().build();
        admin = fixture.adminToken();
        dev = user("dev@example.com", List.of("eng"));
        dba = user("dba@example.com", List.of("dba"));
        sre = user("sre@example.com", List.of("sre"));
        outsider = user("other@example.com", List.of("eng"));
        TestGateway.Answer a = ok(gw.post("/api/agents", admin, Map.of("name", "edge")), 201);
        for (String name : List.of("sh", "pg", "free")) {
            ok(gw.post("/api/connections", admin, Map.of("name", name, "type", "command-line", "command", List.of("bash"), "agent_name", "edge")), 201);
        }
        ok(gw.call("PUT", "/api/connections/sh/reviewers", admin, Map.of("groups", List.of("dba", "sre"))), 200);
        ok(gw.call("PUT", "/api/connections/pg/reviewers", admin, Map.of("groups", List.of("dba"))), 200);
        agent = GrpcProbe.connect(channel, GrpcProbe.agentMetadata(AgentDsn.parse(a.json().get("token").asText()).secret()));
        assertThat(agent.next().getType()).isEqualTo(AgentPacket.GATEWAY_CONNECT_OK);
    }

    @AfterAll
    void stop() {
        if (channel != null) {
            channel.shutdownNow();
        }
    }

    @Test
    void reviewersAreConfiguredPerConnectionByAdminsOnly() {
        assertThat(ok(gw.get("/api/connections/sh/reviewers", admin), 200).json().get("groups").toString()).isEqualTo("[\"dba\",\"sre\"]");
        assertThat(ok(gw.get("/api/connections/free/reviewers", admin), 200).json().get("groups").toString()).isEqualTo("[]");
        assertThat(gw.call("PUT", "/api/connections/free/reviewers", dev, Map.of("groups", List.of("eng"))).status()).isEqualTo(403);
        assertThat(gw.call("PUT", "/api/connections/free/reviewers", admin, Map.of("groups", List.of("bad group"))).message())
                .isEqualTo("group 'bad group' is not valid (expected: 1 to 64 letters, digits, '_', '.', '@' or '-')");
        assertThat(gw.call("PUT", "/api/connections/nope/reviewers", admin, Map.of("groups", List.of("dba"))).status()).isEqualTo(404);
        // visible as the review plugin's config too
        assertThat(ok(gw.get("/api/plugins/review", admin), 200).raw()).contains("\"name\":\"sh\",\"config\":[\"dba\",\"sre\"]");
    }

    @Test
    void oneOffReviewWithTwoGroupsRunsTheStoredScriptOnceAfterBothApprove() throws Exception {
        GrpcProbe.Stream client = GrpcProbe.connect(channel, client(dev, "exec", "sh"));
        client.toGateway().onNext(Wire.packet(AgentPacket.SESSION_OPEN, Map.of(), bytes("echo reviewed")));
        client.toGateway().onNext(Wire.packet(AgentPacket.EXEC_WRITE_STDIN, Map.of(), bytes("")));
        Packet waiting = next(client);
        assertThat(waiting.getType()).isEqualTo(ClientPacket.SESSION_OPEN_WAITING_APPROVAL);
        String id = Wire.spec(waiting, SpecKey.REVIEW_ID);
        assertThat(Wire.spec(waiting, SpecKey.REVIEW_PENDING_GROUPS)).isEqualTo("dba,sre");
        assertThat(waiting.getPayload().toStringUtf8()).endsWith("/reviews/" + id);

        TestGateway.Answer r = ok(gw.get("/api/reviews/" + id, dev), 200);
        assertThat(r.json().get("status").asText()).isEqualTo("PENDING");
        assertThat(r.json().get("type").asText()).isEqualTo("onetime");
        assertThat(r.json().get("input").asText()).isEqualTo("echo reviewed");
        assertThat(r.json().get("created_by").asText()).isEqualTo("dev@example.com");
        // approvers see it in their listing, an outsider does not see it at all
        assertThat(ok(gw.get("/api/reviews", dba), 200).raw()).contains(id);
        assertThat(ok(gw.get("/api/reviews", outsider), 200).raw()).doesNotContain(id);
        assertThat(gw.get("/api/reviews/" + id, outsider).status()).isEqualTo(404);
        assertThat(gw.call("PUT", "/api/reviews/" + id, outsider, Map.of("status", "APPROVED")).status()).isEqualTo(404);

        ok(gw.call("PUT", "/api/reviews/" + id, dba, Map.of("status", "APPROVED")), 200);
        Packet progress = next(client);
        assertThat(progress.getType()).isEqualTo(ClientPacket.SESSION_OPEN_WAITING_APPROVAL);
        assertThat(Wire.spec(progress, SpecKey.REVIEW_PENDING_GROUPS)).isEqualTo("sre");
        // dba decided already: a second approval of theirs has no group left
        TestGateway.Answer again = gw.call("PUT", "/api/reviews/" + id, dba, Map.of("status", "APPROVED"));
        assertThat(again.status()).isEqualTo(403);
        assertThat(again.message()).isEqualTo("you are in none of the groups that still have to decide on review " + id + " (pending: sre)");
        assertThat(agent.received().stream().map(Packet::getType)).doesNotContain(AgentPacket.SESSION_OPEN);

        TestGateway.Answer approved = ok(gw.call("PUT", "/api/reviews/" + id, sre, Map.of("status", "APPROVED")), 200);
        assertThat(approved.json().get("status").asText()).isEqualTo("APPROVED");
        assertThat(approved.json().get("groups").toString()).contains("\"reviewed_by\":\"dba@example.com\"", "\"reviewed_by\":\"sre@example.com\"");
        Packet ok = next(client);
        assertThat(ok.getType()).isEqualTo(ClientPacket.SESSION_OPEN_APPROVE_OK);
        assertThat(Wire.spec(ok, SpecKey.REVIEW_ID)).isEqualTo(id);

        // the client opens again (with another script, which must not run): the stored one runs
        client.toGateway().onNext(Wire.packet(AgentPacket.SESSION_OPEN, Map.of(SpecKey.REVIEW_ID, id), bytes("rm -rf /")));
        Packet open = awaitAgent(AgentPacket.SESSION_OPEN);
        assertThat(open.getPayload().toStringUtf8()).isEqualTo("echo reviewed");
        assertThat(Wire.spec(open, SpecKey.REVIEW_ID)).isNull();
        String session = Wire.spec(open, SpecKey.GATEWAY_SESSION_ID);
        assertThat(status(id)).isEqualTo("PROCESSING");
        assertThat(ok(gw.get("/api/reviews/" + id, dev), 200).json().get("session_id").asText()).isEqualTo(session);

        agent.toGateway().onNext(Wire.packet(ClientPacket.SESSION_CLOSE, Map.of(SpecKey.GATEWAY_SESSION_ID, session, SpecKey.CLIENT_EXIT_CODE, "0"), null));
        assertThat(next(client).getType()).isEqualTo(ClientPacket.SESSION_CLOSE);
        assertThat(client.awaitEnd().getCode()).isEqualTo(Status.Code.OK);
        awaitStatus(id, "EXECUTED");

        // exactly once: the same review cannot run again
        GrpcProbe.Stream replay = GrpcProbe.connect(channel, client(dev, "exec", "sh"));
        replay.toGateway().onNext(Wire.packet(AgentPacket.SESSION_OPEN, Map.of(SpecKey.REVIEW_ID, id), bytes("echo again")));
        Status refused = replay.awaitEnd();
        assertThat(refused.getCode()).isEqualTo(Status.Code.FAILED_PRECONDITION);
        assertThat(refused.getDescription()).isEqualTo("review " + id + " was run already (session " + session
                + "): an approved script runs once; run it again with a new review");
        // and another user cannot use it at all
        GrpcProbe.Stream theft = GrpcProbe.connect(channel, client(outsider, "exec", "sh"));
        theft.toGateway().onNext(Wire.packet(AgentPacket.SESSION_OPEN, Map.of(SpecKey.REVIEW_ID, id), bytes("")));
        assertThat(theft.awaitEnd().getCode()).isEqualTo(Status.Code.NOT_FOUND);
        agent.received().clear();
    }

    @Test
    void oneRejectionRejectsAndTheWaitingClientIsToldWhyAndByWhom() throws Exception {
        GrpcProbe.Stream client = GrpcProbe.connect(channel, client(dev, "exec", "sh"));
        client.toGateway().onNext(Wire.packet(AgentPacket.SESSION_OPEN, Map.of(), bytes("drop table users")));
        String id = Wire.spec(next(client), SpecKey.REVIEW_ID);
        ok(gw.call("PUT", "/api/reviews/" + id, dba, Map.of("status", "APPROVED")), 200);
        next(client); // progress: sre pending
        TestGateway.Answer rejected = ok(gw.call("PUT", "/api/reviews/" + id, sre, Map.of("status", "REJECTED", "reason", "no drops on Friday")), 200);
        assertThat(rejected.json().get("status").asText()).isEqualTo("REJECTED");
        Packet close = next(client);
        assertThat(close.getType()).isEqualTo(ClientPacket.SESSION_CLOSE);
        assertThat(close.getPayload().toStringUtf8())
                .isEqualTo("review " + id + " was rejected by sre@example.com (group sre): no drops on Friday");
        assertThat(client.awaitEnd().getCode()).isEqualTo(Status.Code.OK);
        TestGateway.Answer late = gw.call("PUT", "/api/reviews/" + id, dba, Map.of("status", "APPROVED"));
        assertThat(late.status()).isEqualTo(409);
        assertThat(late.message()).isEqualTo("review " + id + " is REJECTED already: only a PENDING review can be approved");
        // coming back with it is refused with the same reason
        GrpcProbe.Stream again = GrpcProbe.connect(channel, client(dev, "exec", "sh"));
        again.toGateway().onNext(Wire.packet(AgentPacket.SESSION_OPEN, Map.of(SpecKey.REVIEW_ID, id), bytes("")));
        Status s = again.awaitEnd();
        assertThat(s.getCode()).isEqualTo(Status.Code.PERMISSION_DENIED);
        assertThat(s.getDescription()).contains("no drops on Friday");
        assertThat(agent.received().stream().map(Packet::getType)).doesNotContain(AgentPacket.SESSION_OPEN);
    }

    @Test
    void aRequesterCannotApproveTheirOwnReviewEvenAsAdmin() throws Exception {
        ok(gw.call("PUT", "/api/users/boss@example.com", admin, Map.of("groups", List.of("admin", "dba", "sre"))), 200);
        String boss = gw.login("boss@example.com", "boss-password");
        GrpcProbe.Stream client = GrpcProbe.connect(channel, client(boss, "exec", "sh"));
        client.toGateway().onNext(Wire.packet(AgentPacket.SESSION_OPEN, Map.of(), bytes("select 1")));
        String id = Wire.spec(next(client), SpecKey.REVIEW_ID);
        TestGateway.Answer self = gw.call("PUT", "/api/reviews/" + id, boss, Map.of("status", "APPROVED"));
        assertThat(self.status()).isEqualTo(403);
        assertThat(self.message()).isEqualTo("you cannot approve your own review (review " + id
                + "), even as an admin: someone else of dba, sre must approve it");
        assertThat(status(id)).isEqualTo("PENDING");
        // a one-off review cannot be "revoked", and unknown statuses are refused
        assertThat(gw.call("PUT", "/api/reviews/" + id, boss, Map.of("status", "REVOKED")).status()).isEqualTo(409);
        assertThat(gw.call("PUT", "/api/reviews/" + id, dba, Map.of("status", "EXECUTED")).message())
                .startsWith("status 'EXECUTED' is not valid");
        assertThat(gw.call("PUT", "/api/reviews/not-an-id", dba, Map.of("status", "APPROVED")).status()).isEqualTo(404);
        TestGateway.Answer longReason = gw.call("PUT", "/api/reviews/" + id, dba, Map.of("status", "REJECTED", "reason", "x".repeat(1001)));
        assertThat(longReason.status()).isEqualTo(400);
        assertThat(longReason.message()).isEqualTo("reason: 1001 characters (expected: at most 1000)");
        assertThat(status(id)).isEqualTo("PENDING");
        // a review id that is not one is refused before anything is looked up
        GrpcProbe.Stream bogus = GrpcProbe.connect(channel, client(dev, "exec", "sh"));
        bogus.toGateway().onNext(Wire.packet(AgentPacket.SESSION_OPEN, Map.of(SpecKey.REVIEW_ID, "../../etc"), bytes("")));
        Status bogusEnd = bogus.awaitEnd();
        assertThat(bogusEnd.getCode()).isEqualTo(Status.Code.INVALID_ARGUMENT);
        assertThat(bogusEnd.getDescription()).isEqualTo("review id '../../etc' is not valid (expected: a review id from hoop admin get reviews)");
        client.toGateway().onCompleted();
        assertThat(client.awaitEnd().getCode()).isEqualTo(Status.Code.OK);
    }

    @Test
    void jitGrantLetsConnectsPassUntilRevokedAndRevokingEndsOpenSessions() throws Exception {
        GrpcProbe.Stream bad = GrpcProbe.connect(channel, client(dev, "connect", "pg"));
        bad.toGateway().onNext(Wire.packet(AgentPacket.SESSION_OPEN, Map.of(SpecKey.JIT_TIMEOUT, "10s"), null));
        Status badEnd = bad.awaitEnd();
        assertThat(badEnd.getCode()).isEqualTo(Status.Code.INVALID_ARGUMENT);
        assertThat(badEnd.getDescription()).isEqualTo("connection 'pg' needs a review: duration 10s is out of range (expected: 60s to 48h)");

        GrpcProbe.Stream first = GrpcProbe.connect(channel, client(dev, "connect", "pg"));
        first.toGateway().onNext(Wire.packet(AgentPacket.SESSION_OPEN, Map.of(SpecKey.JIT_TIMEOUT, "45m"), null));
        Packet waiting = next(first);
        assertThat(waiting.getType()).isEqualTo(ClientPacket.SESSION_OPEN_WAITING_APPROVAL);
        String id = Wire.spec(waiting, SpecKey.REVIEW_ID);
        TestGateway.Answer pending = ok(gw.get("/api/reviews/" + id, dba), 200);
        assertThat(pending.json().get("type").asText()).isEqualTo("jit");
        assertThat(pending.json().get("duration_sec").asInt()).isEqualTo(45 * 60);
        // a second connect while it waits joins the same review
        GrpcProbe.Stream second = GrpcProbe.connect(channel, client(dev, "connect", "pg"));
        second.toGateway().onNext(Wire.packet(AgentPacket.SESSION_OPEN, Map.of(SpecKey.JIT_TIMEOUT, "45m"), null));
        assertThat(Wire.spec(next(second), SpecKey.REVIEW_ID)).isEqualTo(id);
        second.toGateway().onCompleted();

        TestGateway.Answer approved = ok(gw.call("PUT", "/api/reviews/" + id, dba, Map.of("status", "APPROVED")), 200);
        assertThat(approved.json().get("expires_at").isNull()).isFalse();
        assertThat(next(first).getType()).isEqualTo(ClientPacket.SESSION_OPEN_APPROVE_OK);
        first.toGateway().onNext(Wire.packet(AgentPacket.SESSION_OPEN, Map.of(SpecKey.JIT_TIMEOUT, "45m"), null));
        awaitAgent(AgentPacket.SESSION_OPEN);
        // while granted, a new connect passes without a review
        GrpcProbe.Stream third = GrpcProbe.connect(channel, client(dev, "connect", "pg"));
        third.toGateway().onNext(Wire.packet(AgentPacket.SESSION_OPEN, Map.of(), null));
        awaitAgent(AgentPacket.SESSION_OPEN);
        // but only for that user
        GrpcProbe.Stream other = GrpcProbe.connect(channel, client(outsider, "connect", "pg"));
        other.toGateway().onNext(Wire.packet(AgentPacket.SESSION_OPEN, Map.of(), null));
        assertThat(next(other).getType()).isEqualTo(ClientPacket.SESSION_OPEN_WAITING_APPROVAL);
        other.toGateway().onCompleted();

        assertThat(gw.call("PUT", "/api/reviews/" + id, dba, Map.of("status", "REVOKED")).status()).isEqualTo(403);
        long before = System.nanoTime();
        TestGateway.Answer revoked = ok(gw.call("PUT", "/api/reviews/" + id, admin, Map.of("status", "REVOKED")), 200);
        assertThat(revoked.json().get("status").asText()).isEqualTo("REVOKED");
        assertThat(revoked.json().get("revoked_by").asText()).isEqualTo("boss@example.com");
        String reason = "access revoked: boss@example.com revoked your time-boxed access to connection 'pg' (review " + id
                + "); the session is closed";
        for (GrpcProbe.Stream s : List.of(first, third)) {
            Packet close = next(s);
            assertThat(close.getType()).isEqualTo(ClientPacket.SESSION_CLOSE);
            assertThat(close.getPayload().toStringUtf8()).isEqualTo(reason);
        }
        assertThat((System.nanoTime() - before) / 1_000_000).isLessThan(2000);
        // and a new connect needs a new review
        GrpcProbe.Stream after = GrpcProbe.connect(channel, client(dev, "connect", "pg"));
        after.toGateway().onNext(Wire.packet(AgentPacket.SESSION_OPEN, Map.of(), null));
        Packet w = next(after);
        assertThat(w.getType()).isEqualTo(ClientPacket.SESSION_OPEN_WAITING_APPROVAL);
        assertThat(Wire.spec(w, SpecKey.REVIEW_ID)).isNotEqualTo(id);
        after.toGateway().onCompleted();
        agent.received().clear();
    }

    @Test
    void apiExecWaitsForTheReviewThenRunsTheApprovedScriptById() throws Exception {
        TestGateway.Answer held = gw.post("/api/sessions", dev, Map.of("connection", "pg", "script", "select 42"));
        assertThat(held.status()).as(held.raw()).isEqualTo(202);
        assertThat(held.json().get("review_status").asText()).isEqualTo("PENDING");
        String id = held.json().get("review_id").asText();
        assertThat(ok(gw.get("/api/reviews/" + id, dev), 200).json().get("input").asText()).isEqualTo("select 42");
        TestGateway.Answer early = gw.post("/api/sessions", dev, Map.of("connection", "pg", "review_id", id));
        assertThat(early.status()).isEqualTo(202); // still pending: waits again, nothing runs
        ok(gw.call("PUT", "/api/reviews/" + id, dba, Map.of("status", "APPROVED")), 200);

        Thread agentSide = Thread.ofVirtual().start(() -> {
            try {
                Packet open = awaitAgent(AgentPacket.SESSION_OPEN);
                assertThat(open.getPayload().toStringUtf8()).isEqualTo("select 42");
                String sid = Wire.spec(open, SpecKey.GATEWAY_SESSION_ID);
                agent.toGateway().onNext(Wire.packet(ClientPacket.WRITE_STDOUT, Map.of(SpecKey.GATEWAY_SESSION_ID, sid), bytes("42\n")));
                agent.toGateway().onNext(Wire.packet(ClientPacket.SESSION_CLOSE, Map.of(SpecKey.GATEWAY_SESSION_ID, sid, SpecKey.CLIENT_EXIT_CODE, "0"), null));
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        });
        TestGateway.Answer ran = ok(gw.post("/api/sessions", dev, Map.of("connection", "pg", "review_id", id, "script", "ignored")), 200);
        agentSide.join();
        assertThat(ran.json().get("output").asText()).isEqualTo("42\n");
        assertThat(ran.json().get("exit_code").asInt()).isZero();
        awaitStatus(id, "EXECUTED");
        assertThat(gw.post("/api/sessions", dev, Map.of("connection", "pg", "review_id", "nope")).status()).isEqualTo(400);
    }

    private String status(String id) {
        return ok(gw.get("/api/reviews/" + id, admin), 200).json().get("status").asText();
    }

    private void awaitStatus(String id, String expected) throws InterruptedException {
        long deadline = System.nanoTime() + 10_000_000_000L;
        while (!status(id).equals(expected) && System.nanoTime() < deadline) {
            Thread.sleep(50);
        }
        assertThat(status(id)).isEqualTo(expected);
    }

    private Packet awaitAgent(String type) throws InterruptedException {
        while (true) {
            Packet p = agent.next();
            if (p.getType().equals(type)) {
                return p;
            }
            assertThat(p.getType()).isIn(AgentPacket.SESSION_CLOSE, GatewayPacket.KEEP_ALIVE);
        }
    }

    private static Packet next(GrpcProbe.Stream s) throws InterruptedException {
        Packet p = s.next();
        while (p.getType().equals(GatewayPacket.KEEP_ALIVE)) {
            p = s.next();
        }
        return p;
    }

    private String user(String email, List<String> groups) {
        ok(gw.post("/api/users", admin, Map.of("email", email, "password", "a-password", "groups", groups)), 201);
        return gw.login(email, "a-password");
    }

    private static byte[] bytes(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }

    private static Map<String, String> client(String token, String verb, String connection) {
        Map<String, String> md = new HashMap<>();
        md.put(Wire.ORIGIN.name(), Wire.ORIGIN_CLIENT);
        md.put(Wire.AUTHORIZATION.name(), "Bearer " + token);
        md.put(Wire.CONNECTION_NAME.name(), connection);
        md.put(Wire.VERB.name(), verb);
        return md;
    }

    private static TestGateway.Answer ok(TestGateway.Answer a, int status) {
        assertThat(a.status()).as(a.raw()).isEqualTo(status);
        return a;
    }
}
