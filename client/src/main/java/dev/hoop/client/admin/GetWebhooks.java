package dev.hoop.client.admin;

import com.fasterxml.jackson.databind.JsonNode;
import dev.hoop.client.api.HoopApi;
import dev.hoop.client.output.OutputOption;
import dev.hoop.client.output.Table;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.ParentCommand;

/** {@code hoop admin get webhooks [NAME] [--deliveries]}: the endpoints (never their secrets), or one endpoint's delivery log. */
@Command(name = "webhooks", aliases = "webhook", mixinStandardHelpOptions = true,
        description = {"List webhook endpoints (or show one); secrets are never shown.",
            "With NAME --deliveries: the endpoint's latest deliveries and their attempts."})
final class GetWebhooks implements Runnable {
    static final Table WEBHOOKS = Table.of("ID", "id", "NAME", "name", "URL", "url", "EVENTS", "events", "ENABLED", "enabled");
    static final Table DELIVERIES = Table.of("MESSAGE", "msg_id", "EVENT", "event_type", "STATUS", "status", "ATTEMPTS", "attempts",
            "LAST STATUS", "last_status", "LAST ERROR", "last_error", "CREATED", "created_at");

    @ParentCommand AdminCommand.Get parent;
    @CommandLine.Spec CommandLine.Model.CommandSpec spec;
    @Mixin OutputOption output;

    @Parameters(index = "0", arity = "0..1", paramLabel = "NAME", description = "Show only this one.")
    String name;

    @Option(names = "--deliveries", description = "Show the endpoint's delivery log (needs NAME).")
    boolean deliveries;

    @Override
    public void run() {
        if (deliveries && name == null) {
            throw new CommandLine.ParameterException(spec.commandLine(), "--deliveries needs the webhook's NAME");
        }
        HoopApi api = parent.admin.api();
        String path = name == null ? "/api/webhooks" : "/api/webhooks/" + HoopApi.segment(name) + (deliveries ? "/deliveries" : "");
        JsonNode node = api.get(path);
        output.print(spec.commandLine().getOut(), api.json(), node, deliveries ? DELIVERIES : WEBHOOKS);
    }
}
