package dev.hoop.client.admin;

import com.fasterxml.jackson.databind.JsonNode;
import dev.hoop.client.api.HoopApi;
import dev.hoop.client.output.OutputOption;
import dev.hoop.common.wire.ConnectionType;
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

/**
 * {@code hoop admin create connection NAME --type postgres --agent A -e HOST=… [-- command args]}.
 * Secrets are write-only: they go to the gateway and are never printed back (only their names).
 */
@Command(name = "connection", mixinStandardHelpOptions = true,
        description = {"Create a connection served by an agent.",
            "Example: hoop admin create connection pg --type postgres --agent prod -e HOST=db -e PORT=5432 -e USER=app -e PASS=s3cret -e DB=app",
            "         hoop admin create connection sh --type command-line --agent prod -- bash",
            "         hoop admin create connection api --type http --agent prod -e URL=https://api.internal -e 'HEADER_Authorization=Bearer t0ken'",
            "         hoop admin create connection pg ... -p 'dlp:EMAIL_ADDRESS;PHONE_NUMBER;column:*ssn*;format:TOKEN'"})
final class CreateConnection implements Runnable {
    @ParentCommand AdminCommand.Create parent;
    @CommandLine.Spec CommandLine.Model.CommandSpec spec;
    @Mixin OutputOption output;

    @Parameters(index = "0", paramLabel = "NAME", description = "The connection's name.")
    String name;

    @Parameters(index = "1..*", paramLabel = "COMMAND", description = "The command the agent runs (after --), e.g. -- psql -h $HOST.")
    List<String> command = new ArrayList<>();

    @Option(names = {"-t", "--type"}, required = true, paramLabel = "TYPE", description = "postgres, tcp, command-line or http.")
    String type;

    @Option(names = {"-a", "--agent"}, required = true, paramLabel = "AGENT", description = "The agent that serves it.")
    String agent;

    @Option(names = "--subtype", paramLabel = "SUBTYPE", description = "A finer type, e.g. mysql for a tcp connection.")
    String subtype;

    @Option(names = "--reviewers", split = ",", paramLabel = "GROUP",
            description = "Approver groups: every session needs their review (exec: each script; connect: time-boxed access), e.g. --reviewers dba,sre.")
    List<String> reviewers = new ArrayList<>();

    @Option(names = {"-e", "--env"}, paramLabel = "KEY=VALUE", mapFallbackValue = "",
            description = "A secret given to the agent as an environment variable (repeatable), e.g. -e HOST=db.internal.")
    Map<String, String> secrets = new LinkedHashMap<>();

    @Option(names = {"-p", "--plugin"}, paramLabel = "NAME[:CONFIG;…]",
            description = "Enable a plugin for the connection with its config entries (repeatable), e.g."
                    + " -p 'dlp:EMAIL_ADDRESS;column:*ssn*;format:TOKEN' (data masking, docs/masking-setup.md),"
                    + " -p 'review:dba;sre' (approver groups, docs/reviews.md), -p 'guardrails:read-only;deny-table:salaries' (docs/guardrails.md).")
    List<String> plugins = new ArrayList<>();

    @Override
    public void run() {
        if (ConnectionType.find(type).isEmpty()) {
            throw new CommandLine.ParameterException(spec.commandLine(),
                    "--type: '" + type + "' (expected: one of " + String.join(", ", ConnectionType.wireNames().stream().sorted().toList()) + ")");
        }
        for (Map.Entry<String, String> e : secrets.entrySet()) {
            if (!e.getKey().matches("[A-Za-z_][A-Za-z0-9_]*")) {
                throw new CommandLine.ParameterException(spec.commandLine(),
                        "-e: '" + e.getKey() + "' is not a variable name (expected KEY=VALUE with KEY of letters, digits and _)");
            }
        }
        HoopApi api = parent.admin.api();
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("name", name);
        body.put("type", type);
        if (subtype != null) {
            body.put("subtype", subtype);
        }
        if (!command.isEmpty()) {
            body.put("command", command);
        }
        body.put("secret", secrets);
        body.put("agent_name", agent);
        List<Map.Entry<String, List<String>>> pluginConfigs = new ArrayList<>();
        for (String p : plugins) {
            pluginConfigs.add(pluginConfig(p));
        }
        JsonNode created = api.post("/api/connections", body);
        try {
            if (!reviewers.isEmpty()) {
                api.put("/api/connections/" + HoopApi.segment(name) + "/reviewers", Map.of("groups", reviewers));
            }
            for (Map.Entry<String, List<String>> p : pluginConfigs) {
                enablePlugin(api, p.getKey(), p.getValue());
            }
        } catch (dev.hoop.client.api.ApiException e) {
            // Without its review or its plugins (e.g. its data masking) the connection must not be usable: take it back.
            api.delete("/api/connections/" + HoopApi.segment(name));
            throw new dev.hoop.client.api.ApiException(e.status(), "connection '" + name + "' was not created: its reviewers or plugins"
                    + " could not be set: " + e.getMessage());
        }
        PrintWriter out = spec.commandLine().getOut();
        if (output.json()) {
            OutputOption.printJson(out, api.json(), created);
            return;
        }
        out.printf("connection '%s' created (type %s, agent %s, secrets: %s)%n", name, type, agent,
                secrets.isEmpty() ? "none" : String.join(", ", secrets.keySet()));
        if (!reviewers.isEmpty()) {
            out.printf("sessions need a review by: %s%n", String.join(", ", reviewers));
        }
        for (Map.Entry<String, List<String>> p : pluginConfigs) {
            out.printf("plugin '%s' enabled%s%n", p.getKey(), p.getValue().isEmpty() ? "" : " (" + String.join(";", p.getValue()) + ")");
        }
        out.flush();
    }

    /** {@code NAME[:ENTRY;ENTRY…]}. */
    private Map.Entry<String, List<String>> pluginConfig(String value) {
        int colon = value.indexOf(':');
        String plugin = (colon < 0 ? value : value.substring(0, colon)).trim();
        if (!plugin.matches("[a-z][a-z0-9_-]{0,63}")) {
            throw new CommandLine.ParameterException(spec.commandLine(),
                    "-p: '" + value + "' (expected NAME[:CONFIG;CONFIG…] with a lower-case plugin name, e.g. dlp:EMAIL_ADDRESS;column:ssn)");
        }
        List<String> entries = new ArrayList<>();
        if (colon >= 0) {
            for (String e : value.substring(colon + 1).split(";")) {
                if (!e.isBlank()) {
                    entries.add(e.trim());
                }
            }
        }
        return Map.entry(plugin, entries);
    }

    /** Adds this connection to the plugin's connections (creating the plugin when the org has none of that name). */
    private void enablePlugin(HoopApi api, String plugin, List<String> entries) {
        if (plugin.equals("guardrails")) { // its own API checks each rule (docs/guardrails.md)
            api.put("/api/guardrails/" + HoopApi.segment(name), Map.of("rules", entries));
            return;
        }
        List<Map<String, Object>> connections = new ArrayList<>();
        boolean exists = true;
        try {
            for (JsonNode c : api.get("/api/plugins/" + HoopApi.segment(plugin)).path("connections")) {
                if (!name.equals(c.path("name").asText())) {
                    List<String> config = new ArrayList<>();
                    c.path("config").forEach(v -> config.add(v.asText()));
                    connections.add(Map.of("name", c.path("name").asText(), "config", config));
                }
            }
        } catch (dev.hoop.client.api.ApiException e) {
            if (e.status() != 404) {
                throw e;
            }
            exists = false;
        }
        connections.add(Map.of("name", name, "config", entries));
        if (exists) {
            api.put("/api/plugins/" + HoopApi.segment(plugin), Map.of("connections", connections));
        } else {
            api.post("/api/plugins", Map.of("name", plugin, "connections", connections));
        }
    }
}
