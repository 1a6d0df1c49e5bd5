package dev.hoop.gateway.api;

import dev.hoop.gateway.auth.Principal;
import dev.hoop.gateway.review.ReviewException;
import dev.hoop.gateway.review.ReviewService;
import dev.hoop.gateway.store.Connections;
import dev.hoop.gateway.store.Reviews;
import dev.hoop.gateway.store.Reviews.Review;
import io.helidon.http.Method;
import java.time.OffsetDateTime;
import java.util.List;
import java.util.Locale;
import java.util.UUID;

/**
 * Reviews ({@code /api/reviews[/{id}]}, docs/reviews.md): listed and read by their requester, their
 * approvers and admins; decided with {@code PUT {"status": "APPROVED"|"REJECTED", "reason"}} by a
 * member of a group that still has to decide (never the requester); a jit grant revoked with
 * {@code "REVOKED"} by an admin. The approver groups of a connection:
 * {@code GET|PUT /api/connections/{name}/reviewers}.
 */
final class ReviewsApi {
    record GroupView(String name, String status, String reviewedBy, OffsetDateTime reviewedAt, String reason) {}

    record ReviewView(UUID id, String type, String status, String connection, String input, Integer durationSec, String createdBy,
                      OffsetDateTime createdAt, OffsetDateTime decidedAt, OffsetDateTime expiresAt, String revokedBy,
                      OffsetDateTime revokedAt, UUID sessionId, String url, List<String> pendingGroups, List<GroupView> groups) {
        static ReviewView of(Review r, String url) {
            return new ReviewView(r.id(), r.type(), r.status(), r.connectionName(), r.input(), r.durationSec(), r.createdByEmail(),
                    r.createdAt(), r.decidedAt(), r.revokeAt(), r.revokedByEmail(), r.revokedAt(), r.sessionId(), url, r.pendingGroups(),
                    r.groups().stream().map(g -> new GroupView(g.name(), g.status(), g.reviewedByEmail(), g.reviewedAt(), g.reason())).toList());
        }
    }

    record Decision(String status, String reason) {}

    record Reviewers(List<String> groups) {}

    static final int DEFAULT_LIMIT = 100;
    static final int MAX_LIMIT = 1000;
    private static final String DECISION = "{\"status\": \"APPROVED\" | \"REJECTED\" | \"REVOKED\", \"reason\"?: \"...\"}";
    private static final String REVIEWERS = "{\"groups\": [\"<group>\", ...]} (an empty list: no review)";
    private static final List<String> STATUSES = List.of("PENDING", "APPROVED", "PROCESSING", "EXECUTED", "REJECTED", "REVOKED");

    private final ReviewService service;
    private final Reviews reviews;
    private final Connections connections;

    ReviewsApi(ReviewService service, Reviews reviews, Connections connections) {
        this.service = service;
        this.reviews = reviews;
        this.connections = connections;
    }

    List<Route> routes() {
        return List.of(
                Route.of(Method.GET, "/api/reviews", Access.USER, this::list),
                Route.of(Method.GET, "/api/reviews/{id}", Access.USER, c -> {
                    Review r = service.find(c.orgId(), id(c)).filter(x -> ReviewService.visible(actor(c), x))
                            .orElseThrow(() -> ApiException.notFound("review " + c.param("id") + " not found"));
                    return Reply.ok(view(r));
                }),
                Route.of(Method.PUT, "/api/reviews/{id}", Access.USER, this::decide),
                Route.of(Method.GET, "/api/connections/{name}/reviewers", Access.ADMIN,
                        c -> Reply.ok(new Reviewers(reviews.approverGroups(c.orgId(), connection(c))))),
                Route.of(Method.PUT, "/api/connections/{name}/reviewers", Access.ADMIN, c -> {
                    UUID conn = connection(c);
                    Reviewers in = c.body(Reviewers.class, REVIEWERS);
                    List<String> groups = in.groups() == null ? null : Validate.groups(in.groups());
                    if (groups == null) {
                        throw ApiException.badRequest("missing field 'groups' (expected: " + REVIEWERS + ")");
                    }
                    reviews.setApproverGroups(c.orgId(), conn, groups);
                    return Reply.ok(new Reviewers(groups));
                }));
    }

    private Reply list(Call c) {
        String status = c.query("status");
        if (status != null) {
            status = status.toUpperCase(Locale.ROOT);
            if (!STATUSES.contains(status)) {
                throw ApiException.badRequest("status '" + c.query("status") + "' is not valid (expected: one of " + String.join(", ", STATUSES) + ")");
            }
        }
        int limit = DEFAULT_LIMIT;
        if (c.query("limit") != null) {
            try {
                limit = Integer.parseInt(c.query("limit"));
            } catch (NumberFormatException e) {
                limit = -1;
            }
            if (limit < 1 || limit > MAX_LIMIT) {
                throw ApiException.badRequest("limit '" + c.query("limit") + "' is not valid (expected: 1 to " + MAX_LIMIT + ")");
            }
        }
        return Reply.ok(service.list(actor(c), status, limit).stream().map(this::view).toList());
    }

    private Reply decide(Call c) {
        UUID id = id(c);
        // absent before anything else: another org's review, or one the caller may not see, looks missing whatever the body
        service.find(c.orgId(), id).filter(x -> ReviewService.visible(actor(c), x))
                .orElseThrow(() -> ApiException.notFound("review " + id + " not found"));
        Decision in = c.body(Decision.class, DECISION);
        String status = in.status() == null ? "" : in.status().toUpperCase(Locale.ROOT);
        try {
            Review r = switch (status) {
                case "APPROVED", "REJECTED" -> service.decide(actor(c), id, status.equals("APPROVED"), blankToNull(in.reason()));
                case "REVOKED" -> {
                    if (!c.principal().admin()) {
                        throw new ApiException(403, "only an admin can revoke a review's access");
                    }
                    yield service.revoke(actor(c), id);
                }
                default -> throw ApiException.badRequest((in.status() == null ? "missing field 'status'" : "status '" + in.status() + "' is not valid")
                        + " (expected: " + DECISION + ")");
            };
            return Reply.ok(view(r));
        } catch (ReviewException e) {
            throw new ApiException(e.status(), e.getMessage());
        }
    }

    private ReviewView view(Review r) {
        return ReviewView.of(r, service.url(r.id()));
    }

    private static String blankToNull(String s) {
        return s == null || s.isBlank() ? null : s.strip();
    }

    private UUID connection(Call c) {
        String name = c.param("name");
        return connections.find(c.orgId(), name).map(Connections.Conn::id)
                .orElseThrow(() -> ApiException.notFound("connection '" + name + "' not found"));
    }

    private static UUID id(Call c) {
        try {
            return UUID.fromString(c.param("id"));
        } catch (IllegalArgumentException e) {
            throw ApiException.notFound("review " + c.param("id") + " not found");
        }
    }

    private static ReviewService.Actor actor(Call c) {
        Principal p = c.principal();
        return new ReviewService.Actor(p.user().id(), p.user().orgId(), p.user().email(), p.user().groups(), p.admin());
    }
}
