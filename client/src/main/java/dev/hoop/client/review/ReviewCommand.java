package dev.hoop.client.review;

import com.fasterxml.jackson.databind.JsonNode;
import dev.hoop.client.ClientContext;
import dev.hoop.client.api.HoopApi;
import dev.hoop.client.config.ClientConfig;
import dev.hoop.client.config.SavedToken;
import dev.hoop.client.output.OutputOption;
import java.io.PrintWriter;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.ParentCommand;

/**
 * {@code hoop review approve|reject|revoke ID}: decide on a review (docs/reviews.md). Approving
 * decides for every group of yours that still has to; your own review you cannot approve.
 */
@Command(name = "review", mixinStandardHelpOptions = true,
        description = {"Decide on a review: approve or reject it for your approver groups; revoke a time-boxed access (admins).",
                "List them with: hoop admin get reviews"},
        subcommands = {ReviewCommand.Approve.class, ReviewCommand.Reject.class, ReviewCommand.Revoke.class})
public final class ReviewCommand implements Runnable {
    private final ClientContext ctx;

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    public ReviewCommand() {
        this(ClientContext.system());
    }

    public ReviewCommand(ClientContext ctx) {
        this.ctx = Objects.requireNonNull(ctx, "ctx");
    }

    @Override
    public void run() {
        spec.commandLine().usage(spec.commandLine().getOut());
    }

    HoopApi api() {
        SavedToken token = SavedToken.of(ctx);
        ClientConfig config = token.config();
        return new HoopApi(config.effectiveApiUrl(), token, config.tlsCa());
    }

    abstract static class Decide implements Runnable {
        @ParentCommand ReviewCommand parent;
        @CommandLine.Spec CommandLine.Model.CommandSpec spec;
        @Mixin OutputOption output;

        @Parameters(index = "0", paramLabel = "ID", description = "The review's id (hoop admin get reviews).")
        String id;

        abstract String status();

        String reason() {
            return null;
        }

        @Override
        public void run() {
            HoopApi api = parent.api();
            Map<String, Object> body = new LinkedHashMap<>();
            body.put("status", status());
            if (reason() != null) {
                body.put("reason", reason());
            }
            JsonNode r = api.put("/api/reviews/" + HoopApi.segment(id), body);
            PrintWriter out = spec.commandLine().getOut();
            if (output.json()) {
                OutputOption.printJson(out, api.json(), r);
                return;
            }
            List<String> pending = new ArrayList<>();
            r.path("pending_groups").forEach(g -> pending.add(g.asText()));
            String now = r.path("status").asText();
            out.printf("review %s (%s on '%s' by %s): %s%s%n", r.path("id").asText(), r.path("type").asText(), r.path("connection").asText(),
                    r.path("created_by").asText(), now, "PENDING".equals(now) ? ", still to decide: " + String.join(", ", pending) : "");
            out.flush();
        }
    }

    @Command(name = "approve", mixinStandardHelpOptions = true, description = "Approve a review for your groups that still have to decide.")
    static final class Approve extends Decide {
        @Override
        String status() {
            return "APPROVED";
        }
    }

    @Command(name = "reject", mixinStandardHelpOptions = true, description = "Reject a review (one rejection rejects it).")
    static final class Reject extends Decide {
        @Option(names = "--reason", paramLabel = "TEXT", description = "Why; the requester sees it.")
        String reason;

        @Override
        String status() {
            return "REJECTED";
        }

        @Override
        String reason() {
            return reason;
        }
    }

    @Command(name = "revoke", mixinStandardHelpOptions = true,
            description = "End an approved time-boxed access now (admins); the requester's open sessions end.")
    static final class Revoke extends Decide {
        @Override
        String status() {
            return "REVOKED";
        }
    }
}
