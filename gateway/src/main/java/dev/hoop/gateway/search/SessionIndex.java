package dev.hoop.gateway.search;

import dev.hoop.common.config.ConfigException;
import dev.hoop.gateway.store.AuditEvent;
import dev.hoop.gateway.store.Sessions;
import dev.hoop.gateway.store.Sessions.Session;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.apache.lucene.analysis.Analyzer;
import org.apache.lucene.analysis.standard.StandardAnalyzer;
import org.apache.lucene.document.Document;
import org.apache.lucene.index.IndexWriter;
import org.apache.lucene.index.IndexWriterConfig;
import org.apache.lucene.index.StoredFields;
import org.apache.lucene.index.Term;
import org.apache.lucene.search.IndexSearcher;
import org.apache.lucene.search.Query;
import org.apache.lucene.search.ScoreDoc;
import org.apache.lucene.search.SearcherManager;
import org.apache.lucene.search.Sort;
import org.apache.lucene.search.SortField;
import org.apache.lucene.search.TopDocs;
import org.apache.lucene.store.Directory;
import org.apache.lucene.store.FSDirectory;
import org.apache.lucene.store.LockObtainFailedException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The search plugin's index of sessions under {@code PLUGIN_INDEX_PATH} (one Lucene index per
 * database, in a folder named by the database's default org, so that a gateway never reads another
 * database's index). Sessions are indexed when they open (their metadata) and again when they end
 * (with the recorded input and output). The database stays the truth: a missing, corrupt or
 * older-schema index is rebuilt from it in the background, and at start the sessions that changed
 * since the last commit are indexed again (a crash loses at most the uncommitted tail). Whether the
 * index on disk can be used is {@link IndexFolder}'s call.
 */
public final class SessionIndex implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(SessionIndex.class);
    /**
     * Documents are kept newest first on disk, so that "newest first" searches (qualifiers only) stop
     * after the first page's worth of hits in each segment instead of visiting every match.
     */
    static final Sort NEWEST_FIRST = new Sort(new SortField(SessionDocs.STARTED, SortField.Type.LONG, true));
    private static final java.util.Set<String> WITHOUT_TEXT = java.util.Set.of(SessionDocs.ID, SessionDocs.ORG, SessionDocs.USER_ID,
            "user_email", "connection_name", SessionDocs.TYPE, SessionDocs.VERB, SessionDocs.STATUS, SessionDocs.EXIT, SessionDocs.ERROR,
            SessionDocs.STARTED, SessionDocs.ENDED, SessionDocs.EVENTS);
    static final Duration COMMIT_EVERY = Duration.ofSeconds(5);
    /** Sessions changed this long before the last commit are indexed again at start (clock skew, in-flight ends). */
    static final Duration CATCH_UP_MARGIN = Duration.ofMinutes(2);
    static final int MAX_WINDOW = 10_000;
    private static final int PAGE = 500;

    private final Path dir;
    private final Directory directory;
    private final IndexWriter writer;
    private final SearcherManager searchers;
    private final Sessions sessions;
    private final Analyzer analyzer = new StandardAnalyzer();
    private final ScheduledExecutorService loop;
    private final CountDownLatch ready = new CountDownLatch(1);
    private final AtomicLong rebuilt = new AtomicLong();
    private volatile long rebuildTotal;
    private volatile String rebuildReason;
    private volatile String openedBecause;
    /**
     * Sessions indexed live while a rebuild or catch-up reads the database: the bulk pass may write an
     * older copy over them (it read the row before they ended), so they are indexed again after it.
     */
    private final java.util.Set<UUID> touchedDuringBulk = java.util.concurrent.ConcurrentHashMap.newKeySet();

    /** One result: the session, its relevance (0 without words to rank by) and highlighted snippets. */
    public record Hit(Session session, float score, List<Snippets.Snippet> snippets) {}

    public record Page(List<Hit> hits, boolean more) {}

    private SessionIndex(Path dir, Directory directory, IndexWriter writer, Sessions sessions) throws IOException {
        this.dir = dir;
        this.directory = directory;
        this.writer = writer;
        this.sessions = sessions;
        this.searchers = new SearcherManager(writer, null);
        this.loop = Executors.newSingleThreadScheduledExecutor(Thread.ofVirtual().name("search-index").factory());
    }

    /**
     * Opens (or creates, or rebuilds) the index of the database whose default org is {@code databaseId}.
     *
     * @throws ConfigException naming PLUGIN_INDEX_PATH when the folder cannot be used
     */
    public static SessionIndex open(Path root, UUID databaseId, Sessions sessions) {
        Path dir = root.resolve("sessions-" + databaseId);
        try {
            Files.createDirectories(dir);
        } catch (IOException | SecurityException e) {
            throw new ConfigException("PLUGIN_INDEX_PATH: '" + root + "' is not a writable folder (" + e
                    + "); set PLUGIN_INDEX_PATH to a folder the gateway can write", e);
        }
        String[] through = new String[1];
        String reason = IndexFolder.check(dir, through);
        Directory directory = null;
        try {
            directory = FSDirectory.open(dir);
            if (reason != null) {
                // under the write lock: the files of an index another gateway is writing are never removed
                try (var lock = directory.obtainLock(IndexWriter.WRITE_LOCK_NAME)) {
                    IndexFolder.wipe(dir);
                }
            }
            IndexWriterConfig cfg = new IndexWriterConfig(new StandardAnalyzer())
                    .setOpenMode(reason != null ? IndexWriterConfig.OpenMode.CREATE : IndexWriterConfig.OpenMode.CREATE_OR_APPEND)
                    .setRAMBufferSizeMB(64)
                    .setIndexSort(NEWEST_FIRST);
            IndexWriter writer = new IndexWriter(directory, cfg);
            SessionIndex index = new SessionIndex(dir, directory, writer, sessions);
            index.start(reason, through[0]);
            return index;
        } catch (LockObtainFailedException e) {
            IndexFolder.close(directory);
            throw new ConfigException("PLUGIN_INDEX_PATH: the index in '" + dir + "' is in use by another gateway process "
                    + "(one gateway per database; stop the other one or give this one another PLUGIN_INDEX_PATH)", e);
        } catch (IOException e) {
            IndexFolder.close(directory);
            throw new UncheckedIOException("search: cannot open the index in " + dir, e);
        }
    }

    private void start(String reason, String through) {
        openedBecause = reason;
        if (reason != null) {
            rebuildReason = reason;
            log.warn("search: rebuilding the index in {} from the database: {}", dir, reason);
            Thread.ofVirtual().name("search-rebuild").start(this::rebuild);
        } else {
            rebuildReason = "catching up with the sessions that changed since " + through;
            Thread.ofVirtual().name("search-catch-up").start(() -> {
                catchUp(through);
                rebuildReason = null;
                ready.countDown();
            });
        }
        loop.scheduleWithFixedDelay(this::commitQuietly, COMMIT_EVERY.toMillis(), COMMIT_EVERY.toMillis(), TimeUnit.MILLISECONDS);
    }

    private void rebuild() {
        long t0 = System.nanoTime();
        try {
            writer.deleteAll();
            commit(false);
            long n = indexAll(null);
            commit(true);
            searchers.maybeRefreshBlocking();
            log.info("search: index rebuilt from the database: {} session(s) in {} ms", n, (System.nanoTime() - t0) / 1_000_000);
            rebuildReason = null;
            ready.countDown();
        } catch (Exception e) {
            rebuildReason = "the rebuild failed (" + e.getMessage() + "); it is retried at the next start";
            log.error("search: rebuilding the index in {} failed; search answers 503 until the next start", dir, e);
        }
    }

    private void catchUp(String through) {
        try {
            Instant since = through == null ? Instant.EPOCH : Instant.parse(through).minus(CATCH_UP_MARGIN);
            long n = indexAll(since);
            searchers.maybeRefreshBlocking();
            if (n > 0) {
                log.info("search: indexed {} session(s) that changed since the last commit ({})", n, through);
            }
        } catch (Exception e) {
            log.error("search: catching up with the database failed; sessions that changed since {} may be missing until a rebuild", through, e);
        }
    }

    /** Indexes every session (changed since {@code since}, when set), page by page, then those indexed live meanwhile. */
    private long indexAll(Instant since) throws IOException {
        long count = bulk(since);
        for (UUID id : List.copyOf(touchedDuringBulk)) {
            index(id); // reads the row now: newer than what the bulk pass wrote
            touchedDuringBulk.remove(id);
        }
        return count;
    }

    private long bulk(Instant since) throws IOException {
        long count = 0;
        UUID after = null;
        while (true) {
            List<Session> page = sessions.scan(after, since == null ? null : since.atOffset(ZoneOffset.UTC), PAGE);
            if (page.isEmpty()) {
                return count;
            }
            Map<UUID, List<AuditEvent>> events = sessions.eventsOf(page.stream().map(Session::id).toList());
            for (Session s : page) {
                writer.updateDocument(new Term(SessionDocs.ID, s.id().toString()), SessionDocs.of(s, events.getOrDefault(s.id(), List.of())));
                count++;
            }
            rebuilt.set(count);
            after = page.getLast().id();
        }
    }

    /**
     * (Re)indexes one session from the database; called when it opens and when it ends. Failures are
     * logged, never thrown: a session is not failed by its index (a rebuild recovers it).
     */
    public void index(UUID sessionId) {
        try {
            var s = sessions.byId(sessionId);
            if (s.isEmpty()) {
                return;
            }
            if (ready.getCount() > 0) {
                touchedDuringBulk.add(sessionId);
            }
            List<AuditEvent> events = "open".equals(s.get().status()) ? List.of() : sessions.eventsOf(List.of(sessionId)).getOrDefault(sessionId, List.of());
            writer.updateDocument(new Term(SessionDocs.ID, sessionId.toString()), SessionDocs.of(s.get(), events));
            searchers.maybeRefreshBlocking();
        } catch (Exception e) {
            log.error("search: session {} not indexed (it stays in the database; a rebuild of the index adds it)", sessionId, e);
        }
    }

    /** Drops sessions deleted by the audit retention (AUDIT_RETENTION_DAYS). Failures are logged: a rebuild drops them too. */
    public void remove(List<UUID> sessionIds) {
        try {
            writer.deleteDocuments(sessionIds.stream().map(id -> new Term(SessionDocs.ID, id.toString())).toArray(Term[]::new));
            searchers.maybeRefreshBlocking();
        } catch (Exception e) {
            log.error("search: {} deleted session(s) still in the index (a rebuild drops them)", sessionIds.size(), e);
        }
    }

    /** Adds documents directly, for tests and the benchmark that bypass the database. */
    void add(Session s, List<AuditEvent> events) throws IOException {
        writer.updateDocument(new Term(SessionDocs.ID, s.id().toString()), SessionDocs.of(s, events));
    }

    void refresh() throws IOException {
        searchers.maybeRefreshBlocking();
    }

    /**
     * Runs a search within {@code org}; {@code owner} non-null limits it to that user's sessions.
     * With words, the best matches come first (ties: mostly newest first); without, newest first.
     *
     * @throws IndexNotReadyException while the index is being rebuilt
     */
    public Page search(SearchQuery q, UUID org, UUID owner, int limit, int offset) {
        if (ready.getCount() > 0) {
            throw new IndexNotReadyException("the search index is being brought up to date from the database (" + rebuilt.get()
                    + " session(s) so far; " + rebuildReason + "); try again shortly, or list sessions without q");
        }
        if (offset + limit > MAX_WINDOW) {
            throw new BadQueryException("offset + limit: " + (offset + limit) + " (expected: at most " + MAX_WINDOW + "; narrow the query instead)");
        }
        boolean ranked = q.text().stream().anyMatch(t -> !t.negated() && !LuceneQueries.tokens(analyzer, t.value()).isEmpty());

        List<List<String>> wanted = q.text().stream().filter(t -> !t.negated())
                .map(t -> LuceneQueries.tokens(analyzer, t.value())).filter(l -> !l.isEmpty()).toList();
        try {
            IndexSearcher searcher = searchers.acquire();
            try {
                Query query = LuceneQueries.build(q, org, owner, analyzer);
                // ranked: by relevance alone, which lets Lucene skip blocks that cannot make the page (ties fall to
                // document order, newest first within a segment); otherwise newest first, stopping early per segment
                TopDocs top = ranked ? searcher.search(query, offset + limit + 1) : searcher.search(query, offset + limit + 1, NEWEST_FIRST);
                StoredFields stored = searcher.storedFields();
                List<Hit> hits = new ArrayList<>();
                ScoreDoc[] docs = top.scoreDocs;
                for (int i = offset; i < Math.min(docs.length, offset + limit); i++) {
                    // the recorded text is read only when there are words to show in snippets
                    Document d = wanted.isEmpty() ? stored.document(docs[i].doc, WITHOUT_TEXT) : stored.document(docs[i].doc);
                    List<Snippets.Snippet> snippets = new ArrayList<>();
                    for (String field : List.of(SessionDocs.INPUT, SessionDocs.OUTPUT)) {
                        Snippets.Snippet s = Snippets.of(field, d.get(field), wanted, analyzer);
                        if (s != null) {
                            snippets.add(s);
                        }
                    }
                    hits.add(new Hit(SessionDocs.session(d), ranked ? docs[i].score : 0f, snippets));
                }
                return new Page(hits, docs.length > offset + limit);
            } finally {
                searchers.release(searcher);
            }
        } catch (IOException e) {
            throw new UncheckedIOException("search: reading the index in " + dir + " failed", e);
        }
    }

    /** Blocks until a rebuild is done (tests, the benchmark). */
    public boolean awaitReady(Duration timeout) throws InterruptedException {
        return ready.await(timeout.toMillis(), TimeUnit.MILLISECONDS);
    }

    public Path dir() {
        return dir;
    }

    /** Why the index was rebuilt at open (no index, unreadable, other schema), or null when it was opened as it was. */
    public String rebuiltBecause() {
        return openedBecause;
    }

    private void commitQuietly() {
        try {
            if (writer.hasUncommittedChanges()) {
                commit(ready.getCount() == 0);
            }
        } catch (Exception e) {
            log.error("search: committing the index in {} failed; will retry in {} s", dir, COMMIT_EVERY.toSeconds(), e);
        }
    }

    /** @param complete whether the index holds every session (false while a rebuild runs: a crash then means rebuild again) */
    private synchronized void commit(boolean complete) throws IOException {
        String through = Instant.now().toString();
        writer.setLiveCommitData(IndexFolder.commitData(through, complete).entrySet());
        writer.commit();
    }

    @Override
    public void close() {
        // no interrupt: Lucene's files are closed by an interrupt in the middle of a commit
        loop.shutdown();
        try {
            if (!loop.awaitTermination(10, TimeUnit.SECONDS)) {
                log.warn("search: a commit of the index in {} still runs after 10 s; closing anyway", dir);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        try {
            searchers.close();
            if (ready.getCount() == 0) {
                commit(true);
            }
            writer.close();
        } catch (IOException | RuntimeException e) {
            log.warn("search: closing the index in {} failed; the next start checks it and rebuilds it when needed", dir, e);
        } finally {
            IndexFolder.close(directory);
        }
    }
}
