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
 * {@code hoop admin create webhook NAME --url URL [--events a,b]}: prints the endpoint's signing
 * secret alone on stdout (so that {@code SECRET=$(hoop admin create webhook …)} works) and the
 * note that it is shown once on stderr.
 */
@Command(name = "webhook", aliases = "webhooks", mixinStandardHelpOptions = true,
        description = {"Add a webhook endpoint; its signing secret (whsec_…) is printed once.",
            "Events: session.open, session.close, review.created, review.decided (default: all).",
            "Example: hoop admin create webhook audit-sink --url https://hooks.example.com/hoop --events session.open,session.close"})
final class CreateWebhook implements Runnable {
    @ParentCommand AdminCommand.Create parent;
    @CommandLine.Spec CommandLine.Model.CommandSpec spec;
    @Mixin OutputOption output;

    @Parameters(index = "0", paramLabel = "NAME", description = "The endpoint's name (letters, digits, '_', '.', ':' or '-').")
    String name;

    @Option(names = "--url", required = true, paramLabel = "URL", description = "Where events are POSTed (http:// or https://).")
    String url;

    @Option(names = "--events", split = ",", paramLabel = "TYPE", description = "Event types to send, comma-separated (default: all).")
    List<String> events = new ArrayList<>();

    @Override
    public void run() {
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("name", name);
        body.put("url", url);
        body.put("events", events.stream().map(String::trim).filter(e -> !e.isEmpty()).toList());
        HoopApi api = parent.admin.api();
        JsonNode created = api.post("/api/webhooks", body);
        ShownOnce.print(spec, output, api, created, "secret", "the gateway created webhook '" + name + "' but sent no secret",
                "webhook '" + name + "' created; the signing secret above is shown once "
                        + "(receivers verify webhook-signature with it; deliveries: hoop admin get webhook " + name + " --deliveries)");
    }
}
