package dev.hoop.dist;

import java.util.concurrent.Callable;
import picocli.AutoComplete;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Parameters;

/**
 * {@code hoop completion bash|zsh|fish}: a shell completion script for the whole command tree,
 * printed on stdout. bash and zsh share picocli's generated script (it loads zsh's
 * {@code bashcompinit} itself); fish gets {@code complete} lines from the same model
 * ({@link FishCompletion}).
 */
@Command(name = "completion", mixinStandardHelpOptions = true,
        description = {"Print a shell completion script for hoop.",
            "bash:  source <(hoop completion bash)          (or save it in /etc/bash_completion.d/hoop)",
            "zsh:   source <(hoop completion zsh)           (in ~/.zshrc; uses bashcompinit)",
            "fish:  hoop completion fish > ~/.config/fish/completions/hoop.fish"})
final class CompletionCommand implements Callable<Integer> {
    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Parameters(index = "0", paramLabel = "SHELL", description = "bash, zsh or fish.")
    String shell;

    @Override
    public Integer call() {
        CommandLine root = spec.root().commandLine();
        String script = switch (shell) {
            case "bash", "zsh" -> AutoComplete.bash("hoop", root);
            case "fish" -> FishCompletion.script(root);
            default -> throw new CommandLine.ParameterException(spec.commandLine(),
                    "unknown shell '" + shell + "' (expected: bash, zsh or fish)");
        };
        spec.commandLine().getOut().print(script);
        spec.commandLine().getOut().flush();
        return 0;
    }
}
