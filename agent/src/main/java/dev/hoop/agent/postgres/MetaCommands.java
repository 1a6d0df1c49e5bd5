package dev.hoop.agent.postgres;

/**
 * Finds psql meta-commands in an exec script. The agent runs no psql, so none of them would work;
 * they are refused by name rather than sent to the server as a syntax error, so the user learns why
 * (and {@code \!}, which runs a shell under psql, is visibly not available).
 */
final class MetaCommands {
    private MetaCommands() {
    }

    /** The refusal text (for stderr) for the first line that starts with a backslash, or null. */
    static String find(String script) {
        int lineNo = 0;
        for (String line : script.split("\n", -1)) {
            lineNo++;
            String trimmed = line.strip();
            if (trimmed.startsWith("\\")) {
                int end = 1;
                while (end < trimmed.length() && !Character.isWhitespace(trimmed.charAt(end))) {
                    end++;
                }
                String name = trimmed.substring(0, end);
                return "hoop: line " + lineNo + ": psql meta-command '" + name + "' refused: hoop exec runs the"
                        + " script as SQL on the agent's own connection, without psql; only SQL statements are accepted"
                        + " (use 'hoop connect' and psql on your machine for meta-commands)\n";
            }
        }
        return null;
    }
}
