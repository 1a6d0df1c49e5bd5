package dev.hoop.client.output;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.PrintWriter;
import picocli.CommandLine.Option;

/** The {@code -o/--output table|json} option shared by every command that prints records (a picocli mixin). */
public final class OutputOption {
    /** The formats a listing can be printed in. */
    public enum Format { table, json }

    @Option(names = {"-o", "--output"}, paramLabel = "FORMAT", defaultValue = "table",
            description = "Output format: ${COMPLETION-CANDIDATES} (default: ${DEFAULT-VALUE}).")
    Format format = Format.table;

    public boolean json() {
        return format == Format.json;
    }

    /** Prints {@code node} as indented JSON (the gateway's answer as it came). */
    public static void printJson(PrintWriter out, ObjectMapper mapper, JsonNode node) {
        try {
            out.println(mapper.writerWithDefaultPrettyPrinter().writeValueAsString(node));
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("cannot print JSON: " + e.getOriginalMessage(), e);
        }
        out.flush();
    }

    /** JSON when asked, else the table. */
    public void print(PrintWriter out, ObjectMapper mapper, JsonNode node, Table table) {
        if (json()) {
            printJson(out, mapper, node);
        } else {
            out.print(table.render(node));
            out.flush();
        }
    }
}
