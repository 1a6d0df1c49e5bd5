package dev.hoop.gateway.api;

import dev.hoop.gateway.api.SessionsApi.Detail;
import dev.hoop.gateway.api.SessionsApi.EventView;
import dev.hoop.gateway.api.SessionsApi.SessionView;
import dev.hoop.gateway.audit.AuditLog;
import dev.hoop.gateway.store.AuditEvent;
import dev.hoop.gateway.store.Sessions;
import dev.hoop.gateway.store.Sessions.Session;
import java.io.IOException;
import java.io.InterruptedIOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.UUID;

/**
 * A session's events as the API shows them: read from the session's write-ahead file while it has
 * one (it runs, or its flush to the database is pending), else from the database; paged, of one
 * client connection when asked; and followed as Server-Sent Events until the session ends.
 */
final class LiveSessions {
    static final int DEFAULT_EVENTS_LIMIT = 1000;
    static final int MAX_EVENTS_LIMIT = 10_000;
    /** How often a follower reads the file for new events. */
    static final Duration POLL = Duration.ofMillis(200);
    /** How often a follower checks whether the session ended while its file is still there. */
    static final Duration STATUS_EVERY = Duration.ofSeconds(1);
    /**
     * A session whose file is gone but whose row still says open had its end not recorded (the
     * database failed then): after this long the follower is ended with the row as it is.
     */
    static final Duration UNRECORDED_END = Duration.ofSeconds(30);
    /** A comment line this often keeps proxies from closing a quiet stream, and finds followers that left. */
    static final Duration HEARTBEAT = Duration.ofSeconds(15);

    /** Which events to answer: of one client connection ({@code null}: all), from the offset-th, at most limit. */
    record Paging(Long connection, long offset, int limit) {
        static Paging of(Call c) {
            return new Paging(connection(c), SessionsApi.intParam(c, "events_offset", 0, 0, Integer.MAX_VALUE),
                    SessionsApi.intParam(c, "events_limit", DEFAULT_EVENTS_LIMIT, 1, MAX_EVENTS_LIMIT));
        }

        boolean matches(AuditEvent e) {
            return connection == null || e.connection() == connection;
        }

        private static Long connection(Call c) {
            String v = c.query("connection");
            if (v == null) {
                return null;
            }
            try {
                long n = Long.parseLong(v);
                if (n >= 1) {
                    return n;
                }
            } catch (NumberFormatException ignored) {
                // answered below
            }
            throw ApiException.badRequest("connection '" + v + "' is not valid (expected: a client connection number, 1 or more)");
        }
    }

    /** The last SSE event of a followed session: how it ended. */
    record End(String status, Integer exitCode, String error) {}

    private final Sessions sessions;
    private final AuditLog audit;

    /** @param audit null: events come from the database only (no live view) */
    LiveSessions(Sessions sessions, AuditLog audit) {
        this.sessions = sessions;
        this.audit = audit;
    }

    /** Every event of the session, from its file while it has one (the transcript of a running session). */
    List<AuditEvent> all(UUID orgId, Session s) {
        return (audit == null ? Optional.<List<AuditEvent>>empty() : audit.recorded(s.id())).orElseGet(() -> sessions.events(orgId, s.id()));
    }

    Detail detail(UUID orgId, Session s, Paging paging) {
        Optional<List<AuditEvent>> wal = audit == null ? Optional.empty() : audit.recorded(s.id());
        if (wal.isPresent()) {
            List<AuditEvent> matching = wal.get().stream().filter(paging::matches).toList();
            int from = (int) Math.min(paging.offset(), matching.size());
            int to = (int) Math.min((long) from + paging.limit(), matching.size());
            return new Detail(SessionView.of(s), matching.subList(from, to).stream().map(EventView::of).toList(), matching.size(),
                    paging.offset(), paging.limit(), true);
        }
        long total = sessions.countEvents(orgId, s.id(), paging.connection());
        List<EventView> page = total <= paging.offset() ? List.of()
                : sessions.events(orgId, s.id(), paging.connection(), paging.offset(), paging.limit()).stream().map(EventView::of).toList();
        return new Detail(SessionView.of(s), page, total, paging.offset(), paging.limit(), false);
    }

    /**
     * Streams the session's events, from the first (or the paging's offset among those of its
     * connection), as they are recorded, then an {@code end} event once the session ended. Blocks
     * the calling (virtual) thread until then or until the follower leaves.
     */
    void follow(UUID orgId, Session s, Paging paging, OutputStream out) throws IOException {
        Follower f = new Follower(out, paging);
        long position = 0;
        long statusDue = 0;
        long heartbeatDue = System.nanoTime() + HEARTBEAT.toNanos();
        long fileGoneSince = -1;
        while (true) {
            Optional<AuditLog.Tail> tail = audit == null ? Optional.empty() : audit.tail(s.id(), position);
            if (tail.isPresent()) {
                tail.get().events().forEach(f::accept);
                position = tail.get().position();
            }
            long now = System.nanoTime();
            if (tail.isPresent()) {
                fileGoneSince = -1;
            } else if (fileGoneSince < 0) {
                fileGoneSince = now;
            }
            if (now >= statusDue) {
                statusDue = now + STATUS_EVERY.toNanos();
                Optional<Session> current = sessions.find(orgId, s.id());
                boolean stuck = tail.isEmpty() && now - fileGoneSince > UNRECORDED_END.toNanos();
                if (current.isEmpty() || !"open".equals(current.get().status()) || stuck) {
                    // the rest: from the file while its flush is pending, else from the database after what was sent
                    Optional<AuditLog.Tail> rest = audit == null ? Optional.empty() : audit.tail(s.id(), position);
                    List<AuditEvent> events = rest.isPresent() ? rest.get().events() : skip(sessions.events(orgId, s.id()), f.seen);
                    events.forEach(f::accept);
                    Session ended = current.orElse(s);
                    f.send("end", null, new End(ended.status(), ended.exitCode(), ended.error()));
                    f.flush();
                    return;
                }
            }
            if (f.pending) {
                f.flush();
                heartbeatDue = now + HEARTBEAT.toNanos();
            } else if (now >= heartbeatDue) {
                f.heartbeat();
                heartbeatDue = now + HEARTBEAT.toNanos();
            }
            try {
                Thread.sleep(POLL);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new InterruptedIOException("following session " + s.id() + " interrupted (the gateway is stopping)");
            }
        }
    }

    private static List<AuditEvent> skip(List<AuditEvent> all, long seen) {
        return seen >= all.size() ? List.of() : all.subList((int) seen, all.size());
    }

    /** Writes the SSE events; {@code id} is the event's index in the whole session, so a follower can tell where it was. */
    private static final class Follower {
        private final OutputStream out;
        private final Paging paging;
        /** Events of the session read so far, sent or not. */
        long seen;
        /** Events of the asked connection read so far, to skip the paging's offset. */
        long matched;
        boolean pending;

        Follower(OutputStream out, Paging paging) {
            this.out = out;
            this.paging = paging;
        }

        void accept(AuditEvent e) {
            long index = seen++;
            if (!paging.matches(e) || matched++ < paging.offset()) {
                return;
            }
            send("event", index, EventView.of(e));
        }

        /** JSON has no raw line breaks, so recorded data cannot forge SSE fields. */
        void send(String event, Long id, Object body) {
            StringBuilder frame = new StringBuilder();
            if (id != null) {
                frame.append("id: ").append(id).append('\n');
            }
            frame.append("event: ").append(event).append('\n').append("data: ")
                    .append(new String(Json.write(body), StandardCharsets.UTF_8)).append("\n\n");
            write(frame.toString());
            pending = true;
        }

        void heartbeat() throws IOException {
            write(": keep-alive\n\n");
            flush();
        }

        void flush() throws IOException {
            out.flush();
            pending = false;
        }

        private void write(String s) {
            try {
                out.write(s.getBytes(StandardCharsets.UTF_8));
            } catch (IOException e) {
                throw new java.io.UncheckedIOException("the follower left", e);
            }
        }
    }
}
