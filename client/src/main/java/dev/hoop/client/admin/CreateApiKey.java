package dev.hoop.client.admin;

import com.fasterxml.jackson.databind.JsonNode;
import dev.hoop.client.api.HoopApi;
import dev.hoop.client.output.OutputOption;
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
 * {@code hoop admin create apikey NAME [--groups a,b]}: prints the key alone on stdout (so that
 * {@code KEY=$(hoop admin create apikey ci)} works) and the note that it is shown once on stderr.
 */
@Command(name = "apikey", aliases = "apikeys", mixinStandardHelpOptions = true,
        description = {"Create an API key for automation; the key is printed once.",
            "Use it as HOOP_TOKEN or 'Authorization: Bearer <key>'. Example: hoop admin create apikey ci --groups dev"})
final class CreateApiKey implements Runnable {
    @ParentCommand AdminCommand.Create parent;
    @CommandLine.Spec CommandLine.Model.CommandSpec spec;
    @Mixin OutputOption output;

    @Parameters(index = "0", paramLabel = "NAME", description = "The key's name (letters, digits, '_', '.', ':' or '-').")
    String name;

    @Option(names = {"-g", "--groups"}, split = ",", paramLabel = "GROUP", description = "Groups the key acts with, comma-separated.")
    List<String> groups = new ArrayList<>();

    @Override
    public void run() {
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("name", name);
        body.put("groups", groups.stream().map(String::trim).filter(g -> !g.isEmpty()).toList());
        HoopApi api = parent.admin.api();
        JsonNode created = api.post("/api/apikeys", body);
        ShownOnce.print(spec, output, api, created, "key", "the gateway created API key '" + name + "' but sent no key",
                "API key '" + name + "' created; the key above is shown once (revoke it with 'hoop admin delete apikey " + name + "')");
    }
}
