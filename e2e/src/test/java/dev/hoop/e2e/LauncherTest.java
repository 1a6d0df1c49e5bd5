package dev.hoop.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code bin/hoop} itself: the version, its CDS archive, a wrong HOOP_JAR, and the distribution tarball. */
class LauncherTest {
    @TempDir Path work;
    private final Path root = Path.of(System.getProperty("hoop.home")).toAbsolutePath();

    @Test
    void versionRunsOnJava21OrNewerAndLeavesAClassDataSharingArchiveInTheCache() throws Exception {
        Path cache = work.resolve("cache");
        HoopProcess hoop = new HoopProcess(root, work, Map.of("XDG_CACHE_HOME", cache.toString()));

        HoopProcess.Result first = hoop.run("version");
        assertThat(first.exit()).as(first.err()).isZero();
        assertThat(first.out()).matches("version=\\S+ platform=linux/\\S+ java=(2[1-9]|[3-9][0-9])\\S*\\n");
        try (Stream<Path> files = Files.list(cache.resolve("hoop"))) {
            assertThat(files.map(p -> p.getFileName().toString()).filter(n -> n.endsWith(".jsa")).toList()).hasSize(1);
        }
        HoopProcess.Result second = hoop.run("version");
        assertThat(second.out()).isEqualTo(first.out());
        assertThat(second.err()).isEmpty();
    }

    @Test
    void helpListsTheCommands() throws Exception {
        HoopProcess.Result help = new HoopProcess(root, work, Map.of()).run("--help");
        assertThat(help.exit()).isZero();
        assertThat(help.out()).startsWith("Usage: hoop ").contains("  start ", "  login ", "  config ", "  admin ", "  version ");
    }

    @Test
    void aWrongHoopJarIsNamed() throws Exception {
        HoopProcess.Result r = new HoopProcess(root, work, Map.of("HOOP_JAR", "/nonexistent/hoop.jar")).run("version");
        assertThat(r.exit()).isEqualTo(1);
        assertThat(r.err()).isEqualTo("hoop: HOOP_JAR=/nonexistent/hoop.jar: no such file (expected the path of hoop.jar)\n");
    }

    @Test
    void anUnknownNetworkTransportStopsANetworkCommandWithTheReason() throws Exception {
        HoopProcess.Result r = new HoopProcess(root, work, Map.of("HOOP_NETTY_TRANSPORT", "kqueue")).run("start", "gateway");
        assertThat(r.exit()).isEqualTo(2);
        assertThat(r.err()).isEqualTo("hoop start: HOOP_NETTY_TRANSPORT/hoop.netty.transport: unknown network transport 'kqueue':"
                + " use io_uring, epoll or nio (or leave it unset to pick one)\n");
    }

    @Test
    void theDistributionTarballRunsOnItsOwn() throws Exception {
        Path tarball;
        try (Stream<Path> files = Files.list(root.resolve("dist/target"))) {
            tarball = files.filter(p -> p.getFileName().toString().matches("hoop-.+\\.tar\\.gz")).findFirst()
                    .orElseThrow(() -> new AssertionError("no dist/target/hoop-<version>.tar.gz: build dist first"));
        }
        Path unpacked = work.resolve("unpacked");
        Files.createDirectories(unpacked);
        exec(List.of("tar", "xzf", tarball.toString(), "-C", unpacked.toString()));
        Path home;
        try (Stream<Path> dirs = Files.list(unpacked)) {
            home = dirs.findFirst().orElseThrow();
        }
        assertThat(home.getFileName().toString()).isEqualTo(tarball.getFileName().toString().replace(".tar.gz", ""));
        assertThat(home.resolve("bin/hoop")).isExecutable();
        assertThat(home.resolve("bin/hoopstart")).isExecutable();
        assertThat(home.resolve("lib/hoop.jar")).isRegularFile();
        assertThat(home.resolve("lib/java.sh")).isRegularFile();

        HoopProcess.Result r = new HoopProcess(home, work, Map.of()).run("version");
        assertThat(r.exit()).as(r.err()).isZero();
        assertThat(r.out()).startsWith("version=");
    }

    /**
     * The JDK 25+ ahead-of-time cache: HOOP_AOT_TRAIN=1 records one for the role, the next start maps
     * it (-XX:AOTCache in the JVM's flags), a cache whose name belongs to another jar or JDK is never
     * named, and short commands never get one.
     */
    @Test
    void connectMapsTheCacheItsTrainingRunWroteAndNoOtherOne() throws Exception {
        Path aot = work.resolve("aot");
        HoopProcess hoop = new HoopProcess(root, work, Map.of("HOOP_AOT_DIR", aot.toString(), "HOOP_JAVA_OPTS", "-XX:+PrintCommandLineFlags"));
        HoopProcess.Result probe = hoop.run("version");
        org.junit.jupiter.api.Assumptions.assumeTrue(probe.out().matches("(?s).*java=(2[5-9]|[3-9][0-9]).*"),
                "the AOT cache needs Java 25+: " + probe.out());
        assertThat(probe.out()).doesNotContain("AOTCache");

        HoopProcess.Result train = hoop.run(Map.of("HOOP_AOT_TRAIN", "1"), "", "connect", "--help");
        assertThat(train.exit()).as(train.err()).isZero();
        assertThat(train.out()).contains("-XX:AOTCacheOutput=" + aot.resolve("aot-connect-"));
        List<Path> caches;
        try (Stream<Path> files = Files.list(aot)) {
            caches = files.filter(f -> f.getFileName().toString().matches("aot-connect-[0-9a-f]{8}\\.aot")).toList();
        }
        assertThat(caches).hasSize(1);

        HoopProcess.Result cached = hoop.run("connect", "--help");
        assertThat(cached.exit()).as(cached.err()).isZero();
        assertThat(cached.out()).contains("-XX:AOTCache=" + caches.get(0));
        assertThat(cached.err()).isEmpty();
        assertThat(hoop.run(Map.of("HOOP_NO_AOT", "1"), "", "connect", "--help").out()).doesNotContain("AOTCache");

        // the same file under another jar's or JDK's name: not used
        Files.move(caches.get(0), aot.resolve("aot-connect-00000000.aot"));
        assertThat(hoop.run("connect", "--help").out()).doesNotContain("AOTCache");
    }

    private static void exec(List<String> command) throws IOException, InterruptedException {
        Process p = new ProcessBuilder(command).inheritIO().start();
        assertThat(p.waitFor(60, TimeUnit.SECONDS)).isTrue();
        assertThat(p.exitValue()).as(String.join(" ", command)).isZero();
    }
}
