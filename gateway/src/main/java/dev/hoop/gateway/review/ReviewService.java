package dev.hoop.gateway.review;

import com.google.protobuf.ByteString;
import dev.hoop.common.wire.SpecKey;
import dev.hoop.common.wire.Verb;
import dev.hoop.common.wire.Wire;
import dev.hoop.gateway.auth.Revocations;
import dev.hoop.gateway.broker.ReviewGate;
import dev.hoop.gateway.broker.SessionLedger;
import dev.hoop.gateway.store.Reviews;
import dev.hoop.gateway.store.Reviews.Review;
import dev.hoop.proto.Packet;
import io.grpc.Status;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Reviews (docs/reviews.md). A connection with approver groups (plugin {@code review}) holds its
 * sessions: an exec becomes a one-off review of its script, run once after every group approved
 * (PENDING → APPROVED → PROCESSING → EXECUTED, or REJECTED on the first rejection); a connect asks
 * for time-boxed access (jit), and once approved the user's connects there pass until it expires or
 * is revoked, when their open sessions end ({@link Revocations#grantEnded}).
 *
 * <p>The waiting client streams are kept here by review id, and told of each decision. A requester
 * never decides on their own review, admins included. Every decision is stored with who and when.
 */
public final class ReviewService implements ReviewGate, AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(ReviewService.class);
    static final String EXPIRED = "access expired: your time-boxed access to connection '%s' (review %s) ended; "
            + "ask again with: hoop connect %s --duration 30m";
    static final String REVOKED = "access revoked: %s revoked your time-boxed access to connection '%s' (review %s); the session is closed";
    /** The end of a grant is applied twice: at its time, and once more shortly after for a session that was attaching then. */
    static final Duration SECOND_SWEEP = Duration.ofSeconds(1);

    /** Told of new reviews and of settled ones (APPROVED, REJECTED, REVOKED): the webhooks' hook. Must not block. */
    public interface ReviewListener {
        void created(Review review);

        void decided(Review review);
    }

    /** Who acts on a review (from the API's principal). */
    public record Actor(UUID id, UUID orgId, String email, Collection<String> groups, boolean admin) {}

    private final Reviews reviews;
    private final Revocations revocations;
    private final Supplier<String> apiUrl;
    private final List<ReviewListener> listeners = new CopyOnWriteArrayList<>();
    private final Map<UUID, Set<Waiter>> waiting = new ConcurrentHashMap<>();
    private final ScheduledExecutorService timer =
            Executors.newSingleThreadScheduledExecutor(Thread.ofVirtual().name("review-grants").factory());

    /** @param apiUrl the gateway's public URL (known once it listens), for the review's link */
    public ReviewService(Reviews reviews, Revocations revocations, Supplier<String> apiUrl, List<ReviewListener> listeners) {
        this.reviews = reviews;
        this.revocations = revocations;
        this.apiUrl = apiUrl;
        this.listeners.addAll(listeners);
    }

    /**
     * At start: reviews whose session ended while the gateway was down become EXECUTED, and the ends
     * of the grants still running are scheduled.
     */
    public ReviewService start() {
        int settled = reviews.settleProcessing();
        if (settled > 0) {
            log.info("reviews: {} review(s) whose session ended during a stop marked EXECUTED", settled);
        }
        List<Review> grants = reviews.unexpiredGrants();
        grants.forEach(this::scheduleEnd);
        if (!grants.isEmpty()) {
            log.info("reviews: {} time-boxed grant(s) running; their ends are scheduled", grants.size());
        }
        return this;
    }

    /** Wraps the session ledger: a session that ran a one-off review ends it as EXECUTED. */
    public SessionLedger tracking(SessionLedger ledger) {
        return new SessionLedger() {
            @Override
            public void opened(Opened session) {
                ledger.opened(session);
            }

            @Override
            public void closed(UUID id, Integer exitCode, String error, Instant endedAt) {
                ledger.closed(id, exitCode, error, endedAt);
                try {
                    reviews.executed(id);
                } catch (RuntimeException e) {
                    log.error("session {}: marking its review EXECUTED failed (it stays PROCESSING until the next start)", id, e);
                }
            }

            @Override
            public void redactions(UUID id, String summaryJson) {
                ledger.redactions(id, summaryJson);
            }
        };
    }

    public void listen(ReviewListener listener) {
        listeners.add(listener);
    }

    public String url(UUID reviewId) {
        String base = apiUrl.get();
        return (base == null ? "" : base.replaceAll("/+$", "")) + "/reviews/" + reviewId;
    }

    // ---- the gate: sessions of reviewed connections -------------------------------------------

    @Override
    public Admission admit(Request req, Waiter waiter) {
        try {
            return decideAdmission(req, waiter);
        } catch (RuntimeException e) {
            // nothing opens unreviewed because the store could not say whether a review is needed
            log.error("session of {} on '{}' refused: its review could not be checked", req.user().email(), req.connectionName(), e);
            return new Refused(Status.Code.UNAVAILABLE, "the gateway cannot check reviews right now (storage unavailable); try again shortly");
        }
    }

    private Admission decideAdmission(Request req, Waiter waiter) {
        List<String> groups = reviews.approverGroups(req.user().orgId(), req.connectionId());
        if (groups.isEmpty()) {
            return new Pass(req.open(), id -> { });
        }
        String asked = Wire.spec(req.open(), SpecKey.REVIEW_ID);
        if (req.verb() == Verb.EXEC) {
            if (asked != null) {
                return resume(req, asked, waiter);
            }
            Review r = reviews.create(req.user().orgId(), Reviews.ONE_OFF, req.connectionId(), req.connectionName(),
                    req.open().getPayload().toStringUtf8(), null, req.user().id(), req.user().email(), groups);
            created(r);
            return hold(r, req, waiter);
        }
        if (reviews.activeGrant(req.user().orgId(), req.user().id(), req.connectionId()).isPresent()) {
            return new Pass(req.open(), id -> { });
        }
        Optional<Review> pending = reviews.pendingGrant(req.user().orgId(), req.user().id(), req.connectionId());
        if (pending.isPresent()) {
            return hold(pending.get(), req, waiter);
        }
        String[] why = new String[1];
        Optional<Duration> duration = Durations.parse(Wire.spec(req.open(), SpecKey.JIT_TIMEOUT), why);
        if (duration.isEmpty()) {
            return new Refused(Status.Code.INVALID_ARGUMENT, "connection '" + req.connectionName() + "' needs a review: " + why[0]);
        }
        Review r = reviews.create(req.user().orgId(), Reviews.JIT, req.connectionId(), req.connectionName(), null,
                (int) duration.get().toSeconds(), req.user().id(), req.user().email(), groups);
        created(r);
        return hold(r, req, waiter);
    }

    /** The client came back with a review id (after ApproveOK, a reconnect, or {@code --review}). */
    private Admission resume(Request req, String asked, Waiter waiter) {
        UUID id;
        try {
            id = UUID.fromString(asked);
        } catch (IllegalArgumentException e) {
            return new Refused(Status.Code.INVALID_ARGUMENT, "review id '" + shortened(asked) + "' is not valid (expected: a review id from hoop admin get reviews)");
        }
        Optional<Review> found = reviews.find(req.user().orgId(), id)
                .filter(r -> req.user().id().equals(r.createdBy()) && req.connectionId().equals(r.connectionId()) && !r.jit());
        if (found.isEmpty()) {
            // another user's review, or another connection's: answered as absent, so that ids do not leak
            return new Refused(Status.Code.NOT_FOUND, "review " + id + " not found (among your reviews of connection '" + req.connectionName() + "')");
        }
        return settled(found.get(), req).orElseGet(() -> hold(found.get(), req, waiter));
    }

    /** What a review that is no longer PENDING means for the session; empty while it is. */
    private Optional<Admission> settled(Review r, Request req) {
        return switch (r.status()) {
            case "PENDING" -> Optional.empty();
            case "APPROVED" -> Optional.of(r.jit() ? new Pass(req.open(), id -> { }) : run(r, req));
            case "REJECTED" -> Optional.of(new Refused(Status.Code.PERMISSION_DENIED, rejected(r)));
            case "REVOKED" -> Optional.of(new Refused(Status.Code.PERMISSION_DENIED, "review " + r.id() + " was revoked by "
                    + r.revokedByEmail()));
            default -> Optional.of(new Refused(Status.Code.FAILED_PRECONDITION, "review " + r.id() + " was run already"
                    + (r.sessionId() == null ? "" : " (session " + r.sessionId() + ")")
                    + ": an approved script runs once; run it again with a new review"));
        };
    }

    /** Claims an approved one-off review and opens its session with the stored script, whatever the client sent. */
    private Admission run(Review r, Request req) {
        if (!reviews.claim(r.orgId(), r.id())) {
            return new Refused(Status.Code.FAILED_PRECONDITION, "review " + r.id() + " is being run or was run already: an approved script runs once");
        }
        Packet.Builder open = req.open().toBuilder().setPayload(ByteString.copyFrom(r.input() == null ? "" : r.input(), StandardCharsets.UTF_8));
        open.removeSpec(SpecKey.REVIEW_ID);
        log.info("review {}: approved script of {} on '{}' runs now", r.id(), r.createdByEmail(), r.connectionName());
        return new Pass(open.build(), sessionId -> {
            if (sessionId == null) {
                reviews.unclaim(r.id());
            } else {
                reviews.ranIn(r.id(), sessionId);
            }
        });
    }

    private Admission hold(Review r, Request req, Waiter waiter) {
        Set<Waiter> set = waiting.computeIfAbsent(r.id(), k -> ConcurrentHashMap.newKeySet());
        set.add(waiter);
        Runnable cancel = () -> waiting.computeIfPresent(r.id(), (k, s) -> {
            s.remove(waiter);
            return s.isEmpty() ? null : s;
        });
        // decided between our read and the registration: settle now rather than wait for a decision already told
        Review now = reviews.find(r.orgId(), r.id()).orElse(r);
        Optional<Admission> done = settled(now, req);
        if (done.isPresent()) {
            cancel.run();
            return done.get();
        }
        log.info("review {} ({} on '{}' by {}): waiting for {}", r.id(), r.jit() ? "jit " + Durations.format(r.durationSec()) : "one-off",
                r.connectionName(), r.createdByEmail(), String.join(", ", now.pendingGroups()));
        return new Held(r.id(), url(r.id()), now.pendingGroups(), cancel);
    }

    // ---- decisions ------------------------------------------------------------------------------

    public Optional<Review> find(UUID orgId, UUID id) {
        return reviews.find(orgId, id);
    }

    /** Admins see every review of the org, others their own and those they are an approver of. */
    public List<Review> list(Actor actor, String status, int limit) {
        if (actor.admin()) {
            return reviews.list(actor.orgId(), null, status, limit);
        }
        List<Review> out = new ArrayList<>();
        for (Review r : reviews.list(actor.orgId(), null, status, 1000)) {
            if (visible(actor, r)) {
                out.add(r);
                if (out.size() == limit) {
                    break;
                }
            }
        }
        return out;
    }

    /** The requester, an admin, or a member of one of its approver groups. */
    public static boolean visible(Actor actor, Review r) {
        return actor.admin() || actor.id().equals(r.createdBy())
                || r.groups().stream().anyMatch(g -> actor.groups().contains(g.name()));
    }

    /**
     * Approves or rejects for each group of the actor that still has to decide.
     *
     * @throws ReviewException 404 unknown (or not visible), 403 own review or no pending group of theirs, 409 already settled
     */
    public Review decide(Actor actor, UUID id, boolean approve, String reason) {
        Review r = reviews.find(actor.orgId(), id).filter(x -> visible(actor, x))
                .orElseThrow(() -> new ReviewException(404, "review " + id + " not found"));
        if (approve && actor.id().equals(r.createdBy())) {
            throw new ReviewException(403, "you cannot approve your own review (review " + id + "), even as an admin: "
                    + "someone else of " + String.join(", ", r.pendingGroups()) + " must approve it");
        }
        if (!"PENDING".equals(r.status())) {
            throw new ReviewException(409, "review " + id + " is " + r.status() + " already: only a PENDING review can be "
                    + (approve ? "approved" : "rejected"));
        }
        List<String> mine = r.pendingGroups().stream().filter(actor.groups()::contains).toList();
        if (mine.isEmpty()) {
            throw new ReviewException(403, "you are in none of the groups that still have to decide on review " + id
                    + " (pending: " + String.join(", ", r.pendingGroups()) + ")");
        }
        if (reason != null && reason.length() > 1000) {
            throw new ReviewException(400, "reason: " + reason.length() + " characters (expected: at most 1000)");
        }
        Review after = reviews.decide(actor.orgId(), id, mine, approve, actor.id(), actor.email(), reason)
                .orElseThrow(() -> new ReviewException(404, "review " + id + " not found"));
        log.info("review {}: {} by {} for group(s) {}{}; now {}", id, approve ? "approved" : "rejected", actor.email(),
                String.join(", ", mine), reason == null ? "" : " (reason: " + reason + ")", after.status());
        tell(after);
        return after;
    }

    /**
     * Ends an approved jit grant now (admins): the requester's open sessions on the connection end.
     *
     * @throws ReviewException 404 unknown, 409 not an approved jit review
     */
    public Review revoke(Actor actor, UUID id) {
        Review r = reviews.find(actor.orgId(), id).orElseThrow(() -> new ReviewException(404, "review " + id + " not found"));
        if (!r.jit() || !"APPROVED".equals(r.status())) {
            throw new ReviewException(409, "review " + id + " is a " + (r.jit() ? "jit" : "one-off") + " review with status " + r.status()
                    + ": only an APPROVED jit review can be revoked");
        }
        Review after = reviews.revoke(actor.orgId(), id, actor.email())
                .orElseThrow(() -> new ReviewException(409, "review " + id + " changed meanwhile; read it again"));
        log.info("review {}: jit access of {} to '{}' revoked by {}", id, r.createdByEmail(), r.connectionName(), actor.email());
        revocations.grantEnded(r.createdBy(), r.connectionId(), REVOKED.formatted(actor.email(), r.connectionName(), id));
        listeners.forEach(l -> notify(() -> l.decided(after)));
        return after;
    }

    /** Tells the waiting streams and the listeners; schedules the end of an approved grant. */
    private void tell(Review r) {
        Set<Waiter> ws = "PENDING".equals(r.status()) ? waiting.getOrDefault(r.id(), Set.of()) : waiting.remove(r.id());
        for (Waiter w : ws == null ? Set.<Waiter>of() : ws) {
            switch (r.status()) {
                case "APPROVED" -> w.approved();
                case "REJECTED" -> w.rejected(rejected(r));
                default -> w.progress(r.pendingGroups());
            }
        }
        if ("APPROVED".equals(r.status()) && r.jit()) {
            scheduleEnd(r);
        }
        if (!"PENDING".equals(r.status())) {
            listeners.forEach(l -> notify(() -> l.decided(r)));
        }
    }

    private void created(Review r) {
        listeners.forEach(l -> notify(() -> l.created(r)));
    }

    private static void notify(Runnable call) {
        try {
            call.run();
        } catch (RuntimeException e) {
            log.error("a review listener failed", e);
        }
    }

    private static String rejected(Review r) {
        return r.rejection().map(g -> "review " + r.id() + " was rejected by " + g.reviewedByEmail() + " (group " + g.name() + ")"
                + (g.reason() == null || g.reason().isBlank() ? "" : ": " + g.reason())).orElse("review " + r.id() + " was rejected");
    }

    private void scheduleEnd(Review grant) {
        OffsetDateTime at = grant.revokeAt();
        if (at == null) {
            return;
        }
        long delay = Math.max(0, Duration.between(Instant.now(), at.toInstant()).toMillis());
        Runnable end = () -> {
            try {
                // a newer grant of the same user on the connection keeps their sessions going
                if (reviews.activeGrant(grant.orgId(), grant.createdBy(), grant.connectionId()).isPresent()) {
                    return;
                }
                revocations.grantEnded(grant.createdBy(), grant.connectionId(),
                        EXPIRED.formatted(grant.connectionName(), grant.id(), grant.connectionName()));
            } catch (RuntimeException e) {
                log.error("review {}: ending the sessions of an expired grant failed", grant.id(), e);
            }
        };
        timer.schedule(end, delay, TimeUnit.MILLISECONDS);
        timer.schedule(end, delay + SECOND_SWEEP.toMillis(), TimeUnit.MILLISECONDS);
    }

    private static String shortened(String s) {
        return s.length() > 64 ? s.substring(0, 64) + "…" : s;
    }

    @Override
    public void close() {
        timer.shutdownNow();
    }
}
