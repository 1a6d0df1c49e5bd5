package dev.hoop.dist;

import dev.hoop.common.Version;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;

/** {@code hoop version}: the build's version and the platform, one line. */
@Command(name = "version", mixinStandardHelpOptions = true, description = "Print the version.")
final class VersionCommand implements Callable<Integer> {
    @CommandLine.Option(names = {"-o", "--output"}, description = "Output format: text or json.", defaultValue = "text")
    String output;

    @Override
    public Integer call() {
        String os = System.getProperty("os.name").toLowerCase();
        String arch = System.getProperty("os.arch");
        if ("json".equals(output)) {
            System.out.printf("{\"version\":\"%s\",\"platform\":\"%s/%s\",\"java\":\"%s\"}%n",
                    Version.current(), os, arch, Runtime.version());
        } else {
            System.out.printf("version=%s platform=%s/%s java=%s%n", Version.current(), os, arch, Runtime.version());
        }
        return 0;
    }

    static final class Provider implements CommandLine.IVersionProvider {
        @Override
        public String[] getVersion() {
            return new String[] {"hoop " + Version.current()};
        }
    }
}
