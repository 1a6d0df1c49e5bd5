package dev.hoop.dist;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** deploy/docker/Dockerfile against {@link DockerfileRules}, and crafted files that break each rule. */
class DockerfileRulesTest {
    static final Path DOCKERFILE = Path.of("..", "deploy", "docker", "Dockerfile");

    static final String GOOD = """
            ARG BASE=docker.io/library/debian:12.12-slim
            FROM ${BASE} AS base
            RUN apt-get update && apt-get install -y --no-install-recommends curl && rm -rf /var/lib/apt/lists/*
            FROM base
            USER 10001:10001
            WORKDIR /var/lib/hoop
            EXPOSE 8009 8010
            HEALTHCHECK CMD ["/opt/hoop/bin/healthcheck"]
            ENTRYPOINT ["hoop"]
            CMD ["start", "gateway"]
            """;

    @Test
    void theShippedDockerfileBreaksNoRule() throws IOException {
        assertThat(DockerfileRules.violations(Files.readString(DOCKERFILE))).isEmpty();
    }

    @Test
    void theShippedDockerfileIsTheImageTheBriefAsksFor() throws IOException {
        String text = Files.readString(DOCKERFILE);
        List<DockerfileRules.Instruction> all = DockerfileRules.parse(text);
        assertThat(all.stream().filter(i -> i.keyword().equals("FROM")).count()).as("multi-stage").isGreaterThanOrEqualTo(3);
        assertThat(text).contains("./mvnw -B").contains("jlink --add-modules").contains("aot-train");
        var last = all.subList(all.size() - 8, all.size());
        assertThat(last).extracting(DockerfileRules.Instruction::keyword).contains("USER", "EXPOSE", "HEALTHCHECK", "ENTRYPOINT", "CMD");
        assertThat(last).filteredOn(i -> i.keyword().equals("ENTRYPOINT")).extracting(DockerfileRules.Instruction::args).containsExactly("[\"hoop\"]");
        assertThat(last).filteredOn(i -> i.keyword().equals("CMD")).extracting(DockerfileRules.Instruction::args).containsExactly("[\"start\", \"gateway\"]");
        assertThat(last).filteredOn(i -> i.keyword().equals("EXPOSE")).extracting(DockerfileRules.Instruction::args).containsExactly("8009 8010");
    }

    @Test
    void everyFileTheBuildCopiesExistsAndTheContextLeavesBuildOutputOut() throws IOException {
        String text = Files.readString(DOCKERFILE);
        Matcher m = Pattern.compile("\\bcp (?:-r )?((?:[a-z][\\w./-]* )+)/opt/hoop").matcher(text);
        int copied = 0;
        while (m.find()) {
            for (String f : m.group(1).strip().split(" ")) {
                if (!f.startsWith("dist/target")) {
                    assertThat(Path.of("..", f)).as("the Dockerfile copies " + f).exists();
                    copied++;
                }
            }
        }
        assertThat(copied).isGreaterThanOrEqualTo(5);
        assertThat(Path.of("..", "deploy", "docker", "healthcheck")).isExecutable();
        assertThat(Files.readAllLines(Path.of("..", ".dockerignore"))).contains(".git", "**/target");
    }

    @Test
    void aCleanCraftedFilePasses() {
        assertThat(DockerfileRules.violations(GOOD)).isEmpty();
    }

    /** Each row breaks one rule of the clean file above; the violation must name it. */
    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiter = '|', value = {
        "latest base image|ARG BASE=docker.io/library/debian:12.12-slim|ARG BASE=docker.io/library/debian:latest|DL3007",
        "untagged base image|ARG BASE=docker.io/library/debian:12.12-slim|ARG BASE=docker.io/library/debian|DL3006",
        "root user|USER 10001:10001|USER root|DL3002",
        "no user|USER 10001:10001|LABEL a=b|DL3002",
        "no healthcheck|HEALTHCHECK CMD [\"/opt/hoop/bin/healthcheck\"]|HEALTHCHECK NONE|HEALTHCHECK",
        "secret in ENV|WORKDIR /var/lib/hoop|ENV JWT_SECRET_KEY=abc|JWT_SECRET_KEY",
        "password in ARG|WORKDIR /var/lib/hoop|ARG PGPASSWORD=hunter2|PGPASSWORD",
        "recommends|--no-install-recommends curl|curl|DL3015",
        "apt lists kept|&& rm -rf /var/lib/apt/lists/*|&& true|DL3009",
        "relative workdir|WORKDIR /var/lib/hoop|WORKDIR hoop|DL3000",
        "shell-form entrypoint|ENTRYPOINT [\"hoop\"]|ENTRYPOINT hoop|DL3025",
        "ADD|WORKDIR /var/lib/hoop|ADD https://example.com/x.tgz /x|DL3020",
        "unknown stage|WORKDIR /var/lib/hoop|COPY --from=nowhere /a /b|DL3022",
        "curl into sh|--no-install-recommends curl|--no-install-recommends curl && curl -s https://x PIPE sh|piping",
    })
    void aBrokenRuleIsReported(String what, String from, String to, String named) {
        String bad = GOOD.replace(from, to.replace("PIPE", "|")); // the rows are |-separated
        assertThat(bad).as(what + ": the crafted change applies").isNotEqualTo(GOOD);
        assertThat(DockerfileRules.violations(bad)).as(what).anyMatch(v -> v.contains(named));
    }
}
