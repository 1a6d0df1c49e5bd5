package dev.hoop.gateway.api;

import dev.hoop.common.wire.Verb;
import dev.hoop.gateway.store.AuditEvent;
import dev.hoop.gateway.audit.AuditLog;
import dev.hoop.gateway.auth.Principal;
import dev.hoop.gateway.broker.ApiExecution;
import dev.hoop.gateway.broker.SessionUser;
import dev.hoop.gateway.search.BadQueryException;
import dev.hoop.gateway.search.IndexNotReadyException;
import dev.hoop.gateway.search.SearchQuery;
import dev.hoop.gateway.search.SessionIndex;
import dev.hoop.gateway.store.Sessions;
import dev.hoop.gateway.store.Sessions.Session;
import io.grpc.StatusException;
import io.helidon.http.Method;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.LocalDate;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.UUID;

/**
 * Sessions ({@code /api/sessions[/{id}[/download]]}): the audit trail of every session, listed with
 * filters and paging, read with its recorded events, downloaded as a transcript; and
 * {@code POST /api/sessions} to run an exec from the API. Non-admins see only their own sessions
 * (another user's session is 404, not 403, so that ids do not leak).
 */
final class SessionsApi {
    static final int DEFAULT_LIMIT = 50;
    static final int MAX_LIMIT = 500;
    /** How long {@code POST /api/sessions} waits before answering 202 with the session id. */
    static final Duration EXEC_WAIT = Duration.ofSeconds(50);

    record SessionView(UUID id, UUID userId, String userEmail, String connection, String connectionType, String verb,
                       String status, Integer exitCode, String error, OffsetDateTime startedAt, OffsetDateTime endedAt,
                       long eventCount, java.util.Map<String, Long> redactions) {
        static SessionView of(Session s) {
            return new SessionView(s.id(), s.userId(), s.userEmail(), s.connectionName(), s.connectionType(), s.verb(), s.status(),
                    s.exitCode(), s.error(), s.startedAt(), s.endedAt(), s.eventCount(), s.redactions());
        }
    }

    /**
     * One recorded event: data as text when it is UTF-8, else base64 with {@code encoding: "base64"};
     * {@code connection}: the client connection it belongs to (null: the whole session's).
     */
    record EventView(long offsetMs, String type, String data, String encoding, Long connection) {
        static EventView of(AuditEvent e) {
            String text = utf8(e.data());
            Long connection = e.connection() == AuditEvent.NO_CONNECTION ? null : e.connection();
            return text != null ? new EventView(e.offsetMillis(), String.valueOf(e.type()), text, "utf8", connection)
                    : new EventView(e.offsetMillis(), String.valueOf(e.type()), Base64.getEncoder().encodeToString(e.data()), "base64",
                            connection);
        }
    }

    record Page(List<SessionView> data, int limit, int offset, boolean hasNextPage) {}

    /**
     * A session and a page of its events: {@code eventsTotal} in all (of the asked connection),
     * {@code live} when they were read from the running session's write-ahead file.
     */
    record Detail(SessionView session, List<EventView> events, long eventsTotal, long eventsOffset, int eventsLimit, boolean live) {}

    record ExecRequest(String connection, String script, String reviewId) {}

    record ExecResult(UUID sessionId, String output, boolean outputTruncated, Integer exitCode, String error, boolean running,
                      UUID reviewId, String reviewStatus) {
        ExecResult(UUID sessionId, String output, boolean outputTruncated, Integer exitCode, String error, boolean running) {
            this(sessionId, output, outputTruncated, exitCode, error, running, null, null);
        }
    }

    /** A search result: the session's fields, its relevance and highlighted snippets (see docs/search.md). */
    record SearchHit(UUID id, UUID userId, String userEmail, String connection, String connectionType, String verb,
                     String status, Integer exitCode, String error, OffsetDateTime startedAt, OffsetDateTime endedAt,
                     long eventCount, float score, String snippet, List<SnippetView> snippets) {}

    /** {@code matches}: {@code [start, end)} character ranges of {@code text} that matched the query. */
    record SnippetView(String field, String text, List<int[]> matches) {}

    record SearchPage(List<SearchHit> data, String q, int limit, int offset, boolean hasNextPage) {}

    private final Sessions sessions;
    private final ApiExecution execution;
    private final LiveSessions live;
    private final SessionIndex index;

    SessionsApi(Sessions sessions, ApiExecution execution) {
        this(sessions, execution, null, null);
    }

    /**
     * @param audit where running sessions' events are read from (null: from the database only)
     * @param index the search plugin's index, or null when search is not wired
     */
    SessionsApi(Sessions sessions, ApiExecution execution, AuditLog audit, SessionIndex index) {
        this.sessions = sessions;
        this.execution = execution;
        this.live = new LiveSessions(sessions, audit);
        this.index = index;
    }

    List<Route> routes() {
        return List.of(
                Route.of(Method.GET, "/api/sessions", Access.USER, this::list),
                Route.of(Method.POST, "/api/sessions", Access.USER, this::exec),
                Route.of(Method.GET, "/api/sessions/{id}", Access.USER, c -> {
                    Session s = find(c);
                    return Reply.ok(live.detail(c.orgId(), s, LiveSessions.Paging.of(c)));
                }),
                Route.of(Method.GET, "/api/sessions/{id}/events", Access.USER, c -> {
                    Session s = find(c);
                    LiveSessions.Paging paging = LiveSessions.Paging.of(c);
                    String follow = c.query("follow");
                    if (follow == null || follow.equals("false")) {
                        return Reply.ok(live.detail(c.orgId(), s, paging));
                    }
                    if (!follow.equals("true")) {
                        throw ApiException.badRequest("follow '" + follow + "' is not valid (expected: true or false)");
                    }
                    return Reply.stream("text/event-stream; charset=utf-8", out -> live.follow(c.orgId(), s, paging, out));
                }),
                Route.of(Method.GET, "/api/sessions/{id}/download", Access.USER, c -> {
                    Session s = find(c);
                    return new Reply(200, SessionFormats.render(c.query("format"), s, live.all(c.orgId(), s)));
                }));
    }

    private Reply list(Call c) {
        Principal p = c.principal();
        int limit = intParam(c, "limit", DEFAULT_LIMIT, 1, MAX_LIMIT);
        int offset = intParam(c, "offset", 0, 0, Integer.MAX_VALUE);
        if (c.query("q") != null) {
            return search(c, p, limit, offset);
        }
        String verb = c.query("verb");
        if (verb != null && Verb.find(verb).isEmpty()) {
            throw ApiException.badRequest("verb '" + verb + "' is not valid (expected: connect or exec)");
        }
        Sessions.Filter filter = new Sessions.Filter(p.admin() ? null : p.user().id(), c.query("user"), c.query("connection"), verb,
                date(c, "start_date", false), date(c, "end_date", true), limit + 1, offset);
        List<SessionView> rows = new ArrayList<>(sessions.list(c.orgId(), filter).stream().map(SessionView::of).toList());
        boolean more = rows.size() > limit;
        return Reply.ok(new Page(more ? rows.subList(0, limit) : rows, limit, offset, more));
    }

    private static UUID reviewId(String value) {
        try {
            return value == null || value.isBlank() ? null : UUID.fromString(value.trim());
        } catch (IllegalArgumentException e) {
            throw ApiException.badRequest("review_id '" + value + "' is not valid (expected: a review id, see GET /api/reviews)");
        }
    }

    /** {@code ?q=}: ranked full-text search; the org and, for non-admins, the owner are enforced by the index query. */
    private Reply search(Call c, Principal p, int limit, int offset) {
        if (index == null) {
            throw new ApiException(501, "q: session search is not enabled on this gateway");
        }
        for (String filter : List.of("user", "connection", "verb", "start_date", "end_date")) {
            if (c.query(filter) != null) {
                throw ApiException.badRequest(filter + "= cannot be combined with q= (expected: write it in q as a qualifier, e.g. connection:pg after:2026-11-01)");
            }
        }
        String q = c.query("q");
        SessionIndex.Page page;
        try {
            page = index.search(SearchQuery.parse(q), c.orgId(), p.admin() ? null : p.user().id(), limit, offset);
        } catch (BadQueryException e) {
            throw ApiException.badRequest("q: " + e.getMessage());
        } catch (IndexNotReadyException e) {
            throw new ApiException(503, e.getMessage());
        }
        List<SearchHit> hits = page.hits().stream().map(h -> {
            Session s = h.session();
            List<SnippetView> snippets = h.snippets().stream().map(x -> new SnippetView(x.field(), x.text(), x.matches())).toList();
            return new SearchHit(s.id(), s.userId(), s.userEmail(), s.connectionName(), s.connectionType(), s.verb(), s.status(),
                    s.exitCode(), s.error(), s.startedAt(), s.endedAt(), s.eventCount(), h.score(),
                    snippets.isEmpty() ? null : marked(snippets.getFirst()), snippets);
        }).toList();
        return Reply.ok(new SearchPage(hits, q, limit, offset, page.more()));
    }

    /**
     * A snippet for terminals: matches between [[ and ]], whitespace runs as one space, and other control
     * characters as '?', so that recorded output (escape sequences) cannot drive the terminal of whoever searches.
     */
    static String marked(SnippetView s) {
        StringBuilder out = new StringBuilder();
        int at = 0;
        for (int[] m : s.matches()) {
            out.append(s.text(), at, m[0]).append("[[").append(s.text(), m[0], m[1]).append("]]");
            at = m[1];
        }
        out.append(s.text().substring(at));
        return out.toString().replaceAll("\\s+", " ").replaceAll("\\p{Cc}", "?").strip();
    }

    private Reply exec(Call c) {
        ExecRequest in = c.body(ExecRequest.class, "{\"connection\": \"<name>\", \"script\": \"<input>\"}");
        if (in.connection() == null || in.connection().isBlank()) {
            throw ApiException.badRequest("connection: missing (expected: the name of a connection)");
        }
        Principal p = c.principal();
        SessionUser user = new SessionUser(p.user().id(), p.user().orgId(), p.user().email(), new HashSet<>(p.user().groups()));
        ApiExecution.Result r;
        try {
            r = execution.run(user, in.connection(), in.script() == null ? "" : in.script(), reviewId(in.reviewId()), EXEC_WAIT);
        } catch (StatusException e) {
            throw new ApiException(e.getStatus().getCode() == io.grpc.Status.Code.NOT_FOUND ? 404 : 400, e.getStatus().getDescription());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new ApiException(503, "the gateway is shutting down");
        }
        if (r.reviewId() != null) {
            // the connection needs a review: the script waits for its approvers (docs/reviews.md)
            return new Reply(202, new ExecResult(null, "", false, null, null, false, r.reviewId(), "PENDING"));
        }
        boolean running = r.exitCode() == null && r.error() == null;
        return new Reply(running ? 202 : 200, new ExecResult(r.sessionId(), r.output(), r.truncated(), r.exitCode(), r.error(), running));
    }

    private Session find(Call c) {
        return visible(sessions, c);
    }

    /**
     * The session named by the {@code id} path parameter as the caller may see it: non-admins find
     * only their own sessions, and anything else (another user's, another org's, a malformed id) is
     * the same 404. Every route that reads one session goes through here.
     */
    static Session visible(Sessions sessions, Call c) {
        String raw = c.param("id");
        UUID id;
        try {
            id = UUID.fromString(raw);
        } catch (IllegalArgumentException e) {
            throw ApiException.notFound("session '" + raw + "' not found");
        }
        Principal p = c.principal();
        return sessions.find(c.orgId(), id)
                .filter(s -> p.admin() || p.user().id().equals(s.userId()))
                .orElseThrow(() -> ApiException.notFound("session '" + raw + "' not found"));
    }

    /** A readable transcript: one block per event, with its time offset and kind. */
    static byte[] transcript(Session s, List<AuditEvent> events) {
        StringBuilder out = new StringBuilder();
        out.append("session ").append(s.id()).append(" — ").append(s.verb()).append(' ').append(s.connectionName())
                .append(" (").append(s.connectionType()).append(") by ").append(s.userEmail())
                .append(", started ").append(s.startedAt()).append(", exit code ").append(s.exitCode()).append('\n');
        for (AuditEvent e : events) {
            String kind = switch (e.type()) {
                case AuditEvent.INPUT -> "input";
                case AuditEvent.OUTPUT -> "output";
                case AuditEvent.CONNECTION_OPENED, AuditEvent.CONNECTION_CLOSED -> "connection";
                case AuditEvent.RESIZE -> "resize";
                case AuditEvent.RESULT -> "result";
                default -> "error";
            };
            if (e.connection() != AuditEvent.NO_CONNECTION) {
                kind = kind + " #" + e.connection();
            }
            String text = utf8(e.data());
            out.append(String.format(Locale.ROOT, "[+%.3fs] %s: ", e.offsetMillis() / 1000.0, kind))
                    .append(text != null ? text : "<" + e.data().length + " bytes, base64 " + Base64.getEncoder().encodeToString(e.data()) + ">");
            if (out.charAt(out.length() - 1) != '\n') {
                out.append('\n');
            }
        }
        return out.toString().getBytes(StandardCharsets.UTF_8);
    }

    static String utf8(byte[] data) {
        try {
            return StandardCharsets.UTF_8.newDecoder().onMalformedInput(CodingErrorAction.REPORT)
                    .onUnmappableCharacter(CodingErrorAction.REPORT).decode(java.nio.ByteBuffer.wrap(data)).toString();
        } catch (CharacterCodingException e) {
            return null;
        }
    }

    static int intParam(Call c, String name, int dflt, int min, int max) {
        String v = c.query(name);
        if (v == null) {
            return dflt;
        }
        try {
            int n = Integer.parseInt(v);
            if (n >= min && n <= max) {
                return n;
            }
        } catch (NumberFormatException ignored) {
            // answered below with the parameter's name
        }
        throw ApiException.badRequest(name + " '" + v + "' is not valid (expected: a number from " + min + " to " + max + ")");
    }

    /** An ISO date (2026-11-21) or date-time (2026-11-21T10:00:00Z); a date as end is inclusive. */
    private static OffsetDateTime date(Call c, String name, boolean end) {
        String v = c.query(name);
        if (v == null) {
            return null;
        }
        try {
            if (v.length() == 10) {
                LocalDate d = LocalDate.parse(v);
                return (end ? d.plusDays(1) : d).atStartOfDay().atOffset(ZoneOffset.UTC);
            }
            return OffsetDateTime.parse(v);
        } catch (DateTimeParseException e) {
            throw ApiException.badRequest(name + " '" + v + "' is not valid (expected: YYYY-MM-DD or an ISO-8601 date-time)");
        }
    }
}
