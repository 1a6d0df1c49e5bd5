package dev.hoop.dist;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The lines {@code hoop start} prints: commands the user can type as shown, and only what is served. */
class AllInOneBannerTest {
    private static final FirstRun.Setup SETUP = new FirstRun.Setup(null, null, Path.of("/home/u/.hoop/data/admin-password"),
            List.of("user admin@hoop.local (admin)"));

    @Test
    void everyCommandIsPrintedAsInvoked() {
        String banner = AllInOne.banner("http://127.0.0.1:8009", "grpc://127.0.0.1:8010", SETUP, "bin/hoop");
        List<String> commands = banner.lines().filter(l -> l.startsWith("  bin/hoop ") || l.startsWith("  hoop ")).toList();
        assertThat(commands).hasSize(6).allMatch(l -> l.strip().startsWith("bin/hoop "));
        assertThat(banner).contains("  bin/hoop login --email admin@hoop.local < /home/u/.hoop/data/admin-password\n");
    }

    @Test
    void theBuiltInWebAppIsAnnouncedWithWhereToSignIn() {
        String banner = AllInOne.banner("http://127.0.0.1:8009", "grpc://127.0.0.1:8010", SETUP, "hoop");
        assertThat(banner).startsWith("\nhoop is running: web app and API on http://127.0.0.1:8009, gRPC on grpc://127.0.0.1:8010\n")
                .contains("Sign in at http://127.0.0.1:8009 as admin@hoop.local");
    }

    @Test
    void theCommandDefaultsToHoop() {
        String before = System.getProperty("hoop.command");
        try {
            System.clearProperty("hoop.command");
            assertThat(AllInOne.command()).isEqualTo("hoop");
            System.setProperty("hoop.command", "./bin/hoop");
            assertThat(AllInOne.command()).isEqualTo("./bin/hoop");
        } finally {
            if (before == null) {
                System.clearProperty("hoop.command");
            } else {
                System.setProperty("hoop.command", before);
            }
        }
    }
}
