package dev.hoop.gateway.search;

import java.io.IOException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.apache.lucene.index.DirectoryReader;
import org.apache.lucene.index.IndexWriter;
import org.apache.lucene.index.LeafReaderContext;
import org.apache.lucene.store.Directory;
import org.apache.lucene.store.FSDirectory;

/**
 * The index's folder on disk: what each commit records about the index (schema, through when,
 * complete or not), whether what is there can be used as it is, and removing it when not. Apart
 * from {@link SessionIndex} because it runs before there is an index to serve, and the commit data
 * it writes and checks is one format.
 */
final class IndexFolder {
    /** Bump when documents change shape: an index of another schema is rebuilt. */
    static final String SCHEMA = "2";

    private IndexFolder() {
    }

    /**
     * What a commit records: the schema, the time it was taken and whether the index holds every
     * session (false while a rebuild runs: a crash then means rebuild again).
     */
    static Map<String, String> commitData(String through, boolean complete) {
        return Map.of("schema", SCHEMA, "through", through, "complete", Boolean.toString(complete));
    }

    /** Why the index must be rebuilt (null: it is sound); {@code through[0]} gets the last commit's time. */
    static String check(Path dir, String[] through) {
        try (Directory d = FSDirectory.open(dir)) {
            if (!DirectoryReader.indexExists(d)) {
                return "no index yet";
            }
            try (DirectoryReader r = DirectoryReader.open(d)) {
                Map<String, String> data = r.getIndexCommit().getUserData();
                if (!SCHEMA.equals(data.get("schema"))) {
                    return "index schema " + data.get("schema") + " (expected " + SCHEMA + ")";
                }
                if (!"true".equals(data.get("complete"))) {
                    return "an earlier rebuild did not finish";
                }
                // every file's checksum: a damaged file is found now, not by a search later
                for (LeafReaderContext leaf : r.leaves()) {
                    leaf.reader().checkIntegrity();
                }
                through[0] = data.get("through");
                return null;
            }
        } catch (IOException | RuntimeException e) {
            return "unreadable (" + e.getClass().getSimpleName() + ": " + e.getMessage() + ")";
        }
    }

    /** Removes the index's files (only files: the folder is ours and flat); the caller holds the write lock. */
    static void wipe(Path dir) throws IOException {
        try (DirectoryStream<Path> files = Files.newDirectoryStream(dir)) {
            for (Path f : files) {
                if (Files.isRegularFile(f) && !f.getFileName().toString().equals(IndexWriter.WRITE_LOCK_NAME)) {
                    Files.delete(f);
                }
            }
        }
    }

    static void close(Directory d) {
        if (d != null) {
            try {
                d.close();
            } catch (IOException ignored) {
                // nothing left to release
            }
        }
    }
}
