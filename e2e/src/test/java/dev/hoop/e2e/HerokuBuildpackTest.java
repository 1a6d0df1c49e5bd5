package dev.hoop.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * The Heroku buildpack in {@code dist/heroku}: {@code bin/compile} on a build folder, offline (the
 * distribution and the runtime come from {@code file://} URLs; every proxy variable points at a
 * closed port, so any download attempt fails), then the Procfile's {@code web:} line run as a dyno
 * runs it, with the real gateway and agent.
 */
class HerokuBuildpackTest {
    /** Nothing listens there: a download that slips through fails instead of reaching the internet. */
    private static final String DEAD_PROXY = "http://127.0.0.1:9";
    private static final String SECRET_MARK = "xagt-must-not-be-printed";
    /** A web process, as an app's own would be: answers on $PORT. */
    private static final String WEB = """
            import com.sun.net.httpserver.HttpServer;
            import java.net.InetSocketAddress;
            public class Web {
                public static void main(String[] args) throws Exception {
                    HttpServer s = HttpServer.create(new InetSocketAddress("127.0.0.1", Integer.parseInt(System.getenv("PORT"))), 0);
                    s.createContext("/", x -> {
                        byte[] b = "hello from the web process\\n".getBytes();
                        x.sendResponseHeaders(200, b.length);
                        x.getResponseBody().write(b);
                        x.close();
                    });
                    s.start();
                }
            }
            """;

    @TempDir static Path shared;
    static HoopStack stack;
    static Path tarball;
    static String version;
    @TempDir Path work;
    private final Path root = Path.of(System.getProperty("hoop.home")).toAbsolutePath();
    private final Path buildpack = root.resolve("dist/heroku");

    @BeforeAll
    static void gateway() throws Exception {
        Path root = Path.of(System.getProperty("hoop.home")).toAbsolutePath();
        try (Stream<Path> files = Files.list(root.resolve("dist/target"))) {
            tarball = files.filter(p -> p.getFileName().toString().matches("hoop-.+\\.tar\\.gz")).findFirst()
                    .orElseThrow(() -> new AssertionError("no dist/target/hoop-<version>.tar.gz: build dist first"));
        }
        version = tarball.getFileName().toString().replaceAll("^hoop-|\\.tar\\.gz$", "");
        stack = new HoopStack(shared);
        stack.startGatewayWithAdmin();
    }

    @AfterAll
    static void stopGateway() throws Exception {
        if (stack != null) {
            stack.close();
        }
    }

    @Test
    void detectAcceptsAnyAppAndReleaseAddsNothing() throws Exception {
        Path build = Files.createDirectories(work.resolve("build"));
        Run detect = run(List.of(buildpack.resolve("bin/detect").toString(), build.toString()), Map.of(), work, 30);
        assertThat(detect.exit()).isZero();
        assertThat(detect.out()).isEqualTo("hoop\n");
        Run release = run(List.of(buildpack.resolve("bin/release").toString(), build.toString()), Map.of(), work, 30);
        assertThat(release.exit()).isZero();
        assertThat(release.out()).isEqualTo("---\naddons: []\ndefault_process_types: {}\n");
    }

    @Test
    void withTheJvmBuildpacksJdkTheProcfileLineRunsTheWebProcessBesideTheAgent() throws Exception {
        Path build = Files.createDirectories(work.resolve("build"));
        // What Heroku's JVM buildpack leaves when it ran first: .jdk and a profile script.
        Path jdk = Path.of(System.getProperty("java.home"));
        Files.createSymbolicLink(build.resolve(".jdk"), jdk);
        Files.createDirectories(build.resolve(".profile.d"));
        Files.writeString(build.resolve(".profile.d/jvmcommon.sh"), "export JAVA_HOME=$HOME/.jdk\nexport PATH=$HOME/.jdk/bin:$PATH\n");
        Files.writeString(build.resolve("Web.java"), WEB);
        Files.writeString(build.resolve("Procfile"), "web: hoopstart -- java Web.java\n");
        Path envDir = envDir(Map.of(
                "HOOP_DIST_URL", "file://" + tarball,
                "HOOP_DIST_SHA256", sha256(tarball),
                // must not be used: the JDK is there
                "HOOP_RUNTIME_URL", "file:///nonexistent/runtime.tar.gz",
                "HOOP_DSN", "grpc://web:" + SECRET_MARK + "@127.0.0.1:1"));

        Run compile = compile(build, envDir);
        assertThat(compile.exit()).as(compile.all()).isZero();
        assertThat(compile.out()).contains(
                "       hoop distribution: SHA-256 checked\n",
                "the JVM buildpack's JDK (.jdk)\n",
                "       version=" + version + " platform=linux/",
                "-----> hoop " + version + ": hoop and hoopstart installed in .hoop/bin");
        assertThat(compile.all()).doesNotContain(SECRET_MARK);
        assertThat(build.resolve(".hoop/bin/hoop")).isExecutable();
        assertThat(build.resolve(".hoop/bin/hoopstart")).isExecutable();
        assertThat(Files.readSymbolicLink(build.resolve(".hoop/runtime"))).isEqualTo(Path.of("../.jdk"));
        assertThat(Files.readString(build.resolve(".profile.d/hoop.sh"))).contains("export PATH=\"$HOME/.hoop/bin:$PATH\"\n");

        // The dyno: HOME and the working folder are the slug, the profile scripts run, then the web line.
        String dsn = stack.createAgentWithCli("heroku-web");
        int port = HoopStack.freePort();
        Process dyno = dyno(build, Map.of("PORT", Integer.toString(port), "HOOP_DSN", dsn));
        stack.awaitAgent("heroku-web", "CONNECTED");
        HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();
        String[] body = new String[1];
        HoopStack.await("the web process answers on $PORT", Duration.ofSeconds(60), () -> {
            try {
                HttpResponse<String> r = http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/")).build(),
                        HttpResponse.BodyHandlers.ofString());
                body[0] = r.statusCode() + " " + r.body();
                return true;
            } catch (IOException e) {
                return false;
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return false;
            }
        });
        assertThat(body[0]).isEqualTo("200 hello from the web process\n");
        long agentPid = agentPid(dyno);

        // The platform stops the dyno with SIGTERM: the web process ends, then the agent.
        HoopstartTest.kill("TERM", dyno.pid());
        assertThat(dyno.waitFor(60, TimeUnit.SECONDS)).isTrue();
        String err = Files.readString(work.resolve("dyno.err"));
        assertThat(dyno.exitValue()).as(err).isEqualTo(128 + 15);
        assertThat(err).contains("hoopstart: 'java' exited with code 143; agent stopped\n");
        assertThat(ProcessHandle.of(agentPid).map(ProcessHandle::isAlive)).isNotEqualTo(Optional.of(true));
        stack.awaitAgent("heroku-web", "DISCONNECTED");
    }

    @Test
    void withoutAJdkTheJlinkedRuntimeOfTheReleaseIsInstalledAndRunsTheAgent() throws Exception {
        // The release assets, made as a release makes them, on a local "release page".
        Path releases = Files.createDirectories(work.resolve("releases"));
        Files.copy(tarball, releases.resolve("hoop-" + version + ".tar.gz"));
        Run made = run(List.of(buildpack.resolve("make-runtime").toString(), version, releases.toString()),
                Map.of("JAVA_HOME", System.getProperty("java.home")), work, 600);
        assertThat(made.exit()).as(made.all()).isZero();
        Path runtime = Path.of(made.out().strip());
        assertThat(runtime.getFileName().toString()).matches("hoop-runtime-" + Pattern.quote(version) + "-linux-(x64|arm64)\\.tar\\.gz");
        String arch = runtime.getFileName().toString().replaceAll(".*-linux-|\\.tar\\.gz$", "");

        Path build = Files.createDirectories(work.resolve("build"));
        Files.writeString(build.resolve("app.sh"), HoopstartTest.APP);
        Files.setPosixFilePermissions(build.resolve("app.sh"), PosixFilePermissions.fromString("rwx------"));
        Files.writeString(build.resolve("Procfile"), "web: hoopstart -- ./app.sh\n");
        Run compile = compile(build, envDir(Map.of(
                "HOOP_VERSION", version,
                "HOOP_DIST_URL", "file://" + releases + "/hoop-{version}.tar.gz",
                "HOOP_RUNTIME_URL", "file://" + releases + "/hoop-runtime-{version}-linux-" + arch + ".tar.gz",
                "HOOP_RUNTIME_SHA256", sha256(runtime))));
        assertThat(compile.exit()).as(compile.all()).isZero();
        assertThat(compile.out()).contains("       Java runtime: SHA-256 checked\n", "the jlink'ed runtime (file://" + runtime + ")\n",
                "       version=" + version + " platform=linux/");
        assertThat(build.resolve(".hoop/runtime/bin/java")).isExecutable();
        assertThat(Files.isSymbolicLink(build.resolve(".hoop/runtime"))).isFalse();

        // The dyno has no JAVA_HOME; /usr/bin/java, if any, may be too old: hoop runs on its runtime.
        String dsn = stack.createAgentWithCli("heroku-jlink");
        Process dyno = dyno(build, Map.of("PORT", Integer.toString(HoopStack.freePort()), "HOOP_DSN", dsn));
        stack.awaitAgent("heroku-jlink", "CONNECTED");
        long agentPid = agentPid(dyno);
        assertThat(ProcessHandle.of(agentPid).flatMap(h -> h.info().command()))
                .hasValue(build.resolve(".hoop/runtime/bin/java").toRealPath().toString());
        Files.writeString(build.resolve("stop"), "0");
        assertThat(dyno.waitFor(60, TimeUnit.SECONDS)).isTrue();
        assertThat(dyno.exitValue()).as(Files.readString(work.resolve("dyno.err"))).isZero();
        stack.awaitAgent("heroku-jlink", "DISCONNECTED");
    }

    @ParameterizedTest(name = "{0}={1}")
    @CsvSource(delimiter = '|', quoteCharacter = '"', value = {
        "HOOP_DIST_URL    | http://example.com/hoop.tar.gz               | hoop distribution: http://example.com/hoop.tar.gz: plain http is refused (anyone on the way could swap the program); use https:// or file://",
        "HOOP_DIST_URL    | ftp://example.com/hoop.tar.gz                | hoop distribution: 'ftp://example.com/hoop.tar.gz' is not a URL this buildpack reads (expected https://… or file://…)",
        "HOOP_DIST_URL    | file:///nonexistent/hoop.tar.gz              | hoop distribution: file:///nonexistent/hoop.tar.gz: no such file",
        "HOOP_DIST_URL    | https://mirror.example/hoop-{version}.tar.gz | HOOP_DIST_URL has {version} but HOOP_VERSION is not set: set HOOP_VERSION ('latest' is only known for https://github.com/hoophq/hoop-java/releases)",
        "HOOP_VERSION     | 1.0/../../evil                               | HOOP_VERSION='1.0/../../evil' is not a version (expected e.g. 1.2.3 or latest)",
        "HOOP_VERSION     | \"1.0 --output=/etc/x\"                      | HOOP_VERSION='1.0 --output=/etc/x' is not a version (expected e.g. 1.2.3 or latest)",
        "HOOP_DIST_SHA256 | not-a-sum                                    | HOOP_DIST_SHA256/HOOP_RUNTIME_SHA256='not-a-sum' is not a SHA-256 (expected 64 hex digits)",
        // no HOOP_DIST_URL: the default asks the release page, which this machine cannot reach
        "HOOP_VERSION     | \"\"                                         | cannot reach https://github.com/hoophq/hoop-java/releases/latest; set HOOP_VERSION (and HOOP_DIST_URL for a mirror)"})
    void aWrongSettingStopsTheBuildAndSaysWhy(String name, String value, String message) throws Exception {
        Path build = Files.createDirectories(work.resolve("build"));
        Map<String, String> settings = new HashMap<>();
        if (!value.isEmpty()) {
            settings.put(name, value);
        }
        Run compile = compile(build, envDir(settings));
        assertThat(compile.exit()).isEqualTo(1);
        assertThat(compile.err()).contains(" !     " + message + "\n");
        assertThat(build.resolve(".hoop")).doesNotExist();
    }

    @Test
    void aTarballWithAnotherSumIsNotInstalled() throws Exception {
        Path build = Files.createDirectories(work.resolve("build"));
        Run compile = compile(build, envDir(Map.of("HOOP_DIST_URL", "file://" + tarball, "HOOP_DIST_SHA256", "0".repeat(64))));
        assertThat(compile.exit()).isEqualTo(1);
        assertThat(compile.err()).contains(" !     hoop distribution: file://" + tarball + " has SHA-256 " + sha256(tarball)
                + ", expected " + "0".repeat(64) + "; not installed\n");
        assertThat(build.resolve(".hoop")).doesNotExist();
    }

    @Test
    void somethingElseThanAHoopDistributionIsRefused() throws Exception {
        // a tarball with one folder but no hoop in it, and a file that is no tarball at all
        Path other = Files.createDirectories(work.resolve("other/app-1.0"));
        Files.writeString(other.resolve("README"), "not hoop\n");
        Path otherTar = work.resolve("other.tar.gz");
        assertThat(run(List.of("tar", "czf", otherTar.toString(), "-C", work.resolve("other").toString(), "app-1.0"), Map.of(), work, 30).exit()).isZero();
        Path notTar = Files.writeString(work.resolve("not.tar.gz"), "plain text\n");

        Path build = Files.createDirectories(work.resolve("build"));
        Run a = compile(build, envDir(Map.of("HOOP_DIST_URL", "file://" + otherTar)));
        assertThat(a.exit()).isEqualTo(1);
        assertThat(a.err()).contains(" !     file://" + otherTar + " has no bin/hoop (expected a hoop distribution, hoop-<version>.tar.gz)\n");
        Run b = compile(build, envDir(Map.of("HOOP_DIST_URL", "file://" + notTar)));
        assertThat(b.exit()).isEqualTo(1);
        assertThat(b.err()).contains(" !     file://" + notTar + ": not a gzipped tarball (tar's reason above)\n");
        assertThat(build.resolve(".hoop")).doesNotExist();
    }

    @Test
    void aPlainHttpRuntimeIsRefusedToo() throws Exception {
        Path build = Files.createDirectories(work.resolve("build"));
        Run compile = compile(build, envDir(Map.of("HOOP_DIST_URL", "file://" + tarball, "HOOP_RUNTIME_URL", "http://example.com/rt.tar.gz")));
        assertThat(compile.exit()).isEqualTo(1);
        assertThat(compile.err()).contains(" !     Java runtime: http://example.com/rt.tar.gz: plain http is refused"
                + " (anyone on the way could swap the program); use https:// or file://\n");
    }

    // --- helpers ------------------------------------------------------------------------------------

    record Run(int exit, String out, String err) {
        String all() {
            return out + err;
        }
    }

    private Path envDir(Map<String, String> settings) throws IOException {
        Path dir = Files.createTempDirectory(work, "env");
        for (var e : settings.entrySet()) {
            Files.writeString(dir.resolve(e.getKey()), e.getValue()); // as Heroku writes them: no newline
        }
        return dir;
    }

    private Run compile(Path build, Path envDir) throws Exception {
        Path cache = Files.createDirectories(work.resolve("cache"));
        return run(List.of(buildpack.resolve("bin/compile").toString(), build.toString(), cache.toString(), envDir.toString()),
                Map.of(), work, 300);
    }

    /** Runs the Procfile's web line as a dyno does: HOME and cwd are the slug, .profile.d sourced. */
    private Process dyno(Path build, Map<String, String> env) throws IOException {
        String procfile = Files.readString(build.resolve("Procfile"));
        String web = procfile.lines().filter(l -> l.startsWith("web:")).findFirst().orElseThrow().substring(4).strip();
        ProcessBuilder pb = new ProcessBuilder("bash", "-c", "for f in \"$HOME\"/.profile.d/*.sh; do . \"$f\"; done; exec " + web)
                .directory(build.toFile())
                .redirectOutput(work.resolve("dyno.out").toFile())
                .redirectError(work.resolve("dyno.err").toFile());
        pb.environment().clear();
        pb.environment().putAll(baseEnv());
        pb.environment().put("HOME", build.toString());
        pb.environment().put("LOG_ENCODING", "console");
        pb.environment().putAll(env);
        return pb.start();
    }

    private long agentPid(Process dyno) throws Exception {
        long[] pid = new long[1];
        HoopStack.await("hoopstart names the agent's pid", Duration.ofSeconds(30), () -> {
            try {
                var m = Pattern.compile("hoopstart: agent started \\(pid (\\d+)\\)")
                        .matcher(Files.readString(work.resolve("dyno.err")));
                if (m.find()) {
                    pid[0] = Long.parseLong(m.group(1));
                    return true;
                }
                return false;
            } catch (IOException e) {
                return false;
            }
        });
        return pid[0];
    }

    /** A build machine's environment: no Java settings, no HOOP_*, and no way out to the internet. */
    private Map<String, String> baseEnv() {
        Map<String, String> env = new HashMap<>();
        env.put("PATH", "/usr/local/bin:/usr/bin:/bin");
        env.put("HOME", work.resolve("home").toString());
        env.put("LANG", "C.UTF-8");
        for (String proxy : List.of("http_proxy", "https_proxy", "HTTP_PROXY", "HTTPS_PROXY", "ALL_PROXY", "all_proxy")) {
            env.put(proxy, DEAD_PROXY);
        }
        return env;
    }

    private Run run(List<String> command, Map<String, String> env, Path dir, int seconds) throws Exception {
        Path out = Files.createTempFile(work, "run", ".out");
        Path err = Files.createTempFile(work, "run", ".err");
        ProcessBuilder pb = new ProcessBuilder(command).directory(dir.toFile()).redirectOutput(out.toFile()).redirectError(err.toFile());
        pb.environment().clear();
        pb.environment().putAll(baseEnv());
        pb.environment().putAll(env);
        Process p = pb.start();
        p.getOutputStream().close();
        if (!p.waitFor(seconds, TimeUnit.SECONDS)) {
            p.destroyForcibly();
            throw new AssertionError(String.join(" ", command) + " did not finish within " + seconds + " s");
        }
        return new Run(p.exitValue(), Files.readString(out, StandardCharsets.UTF_8), Files.readString(err, StandardCharsets.UTF_8));
    }

    private static String sha256(Path file) throws Exception {
        return HexFormat.of().formatHex(java.security.MessageDigest.getInstance("SHA-256").digest(Files.readAllBytes(file)));
    }
}
