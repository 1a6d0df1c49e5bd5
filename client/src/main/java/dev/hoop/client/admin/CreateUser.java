package dev.hoop.client.admin;

import com.fasterxml.jackson.databind.JsonNode;
import dev.hoop.client.api.HoopApi;
import dev.hoop.client.output.OutputOption;
import java.io.PrintWriter;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.ParentCommand;

/** {@code hoop admin create user EMAIL --name NAME [--groups a,b] [--password-stdin]}. */
@Command(name = "user", mixinStandardHelpOptions = true,
        description = {"Create a user.", "Example: printf '%%s\\n' \"$PW\" | hoop admin create user bob@example.com --name Bob --groups admin,dev --password-stdin"})
final class CreateUser implements Runnable {
    @ParentCommand AdminCommand.Create parent;
    @CommandLine.Spec CommandLine.Model.CommandSpec spec;
    @Mixin OutputOption output;

    @Parameters(index = "0", paramLabel = "EMAIL", description = "The user's email.")
    String email;

    @Option(names = "--name", paramLabel = "NAME", description = "Display name (default: the email).")
    String name;

    @Option(names = {"-g", "--groups"}, split = ",", paramLabel = "GROUP", description = "Groups, comma-separated, e.g. admin,dev.")
    List<String> groups = new ArrayList<>();

    @Option(names = "--password-stdin", description = "Read the user's password (local users) from the first line of stdin.")
    boolean passwordStdin;

    @Override
    public void run() {
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("email", email);
        body.put("name", name == null ? email : name);
        if (passwordStdin) {
            String line = parent.admin.ctx().readStdinLine();
            if (line == null || line.isEmpty()) {
                throw new IllegalArgumentException("--password-stdin: standard input is empty (expected the password on its first line)");
            }
            body.put("password", line);
        }
        body.put("groups", groups.stream().map(String::trim).filter(g -> !g.isEmpty()).toList());
        HoopApi api = parent.admin.api();
        JsonNode created = api.post("/api/users", body);
        PrintWriter out = spec.commandLine().getOut();
        if (output.json()) {
            OutputOption.printJson(out, api.json(), created);
            return;
        }
        out.printf("user '%s' created%s%n", email,
                created != null && created.hasNonNull("id") ? " (id " + created.get("id").asText() + ")" : "");
        out.flush();
    }
}
