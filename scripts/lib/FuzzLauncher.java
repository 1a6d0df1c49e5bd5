import java.io.PrintWriter;
import java.lang.reflect.Method;
import java.util.Arrays;
import java.util.HashMap;
import java.util.Map;
import org.junit.platform.launcher.Launcher;
import org.junit.platform.launcher.LauncherDiscoveryRequest;
import org.junit.platform.launcher.core.LauncherDiscoveryRequestBuilder;
import org.junit.platform.launcher.core.LauncherFactory;
import org.junit.platform.launcher.listeners.SummaryGeneratingListener;
import org.junit.platform.launcher.listeners.TestExecutionSummary;
import static org.junit.platform.engine.discovery.DiscoverySelectors.selectMethod;

/**
 * Runs one @FuzzTest method through the JUnit Platform, in this JVM: scripts/fuzz starts one JVM per
 * target because Jazzer fuzzes a single @FuzzTest per run. Usage (run as a source file, with the
 * module's test classpath): java -cp CP scripts/lib/FuzzLauncher.java CLASS#METHOD SECONDS [LIBFUZZER_ARG…]
 * JAZZER_FUZZ=1 in the environment selects fuzzing; without it the seeds are replayed. Exit code 1
 * when the target failed (a finding) or was not found.
 */
public class FuzzLauncher {
    public static void main(String[] args) throws ClassNotFoundException {
        if (args.length < 2) {
            System.err.println("usage: FuzzLauncher CLASS#METHOD SECONDS [LIBFUZZER_ARG...]");
            System.exit(2);
        }
        Map<String, String> config = new HashMap<>();
        // Jazzer reads extra libFuzzer arguments from these parameters (argument 0 stands for argv[0]);
        // a later -max_total_time overrides the one @FuzzTest(maxDuration) sets.
        config.put("jazzer.internal.arg.0", "fuzz");
        config.put("jazzer.internal.arg.1", "-max_total_time=" + args[1]);
        for (int i = 2; i < args.length; i++) {
            config.put("jazzer.internal.arg." + i, args[i]);
        }
        // -max_total_time bounds the run; the modules' default test timeout (junit-platform.properties,
        // 10 m) is for hung tests and would cut a longer fuzzing session short.
        config.put("junit.jupiter.execution.timeout.mode", "disabled");
        // A fuzz method takes parameters, so it is selected by its Method, found by name.
        String[] target = args[0].split("#", 2);
        Class<?> testClass = Class.forName(target[0]);
        Method method = Arrays.stream(testClass.getDeclaredMethods()).filter(m -> m.getName().equals(target[1]))
                .findFirst().orElseThrow(() -> new IllegalArgumentException("no method " + args[0]));
        LauncherDiscoveryRequest request = LauncherDiscoveryRequestBuilder.request()
                .selectors(selectMethod(testClass, method)).configurationParameters(config).build();
        Launcher launcher = LauncherFactory.create();
        SummaryGeneratingListener summary = new SummaryGeneratingListener();
        launcher.execute(request, summary);
        TestExecutionSummary s = summary.getSummary();
        s.printFailuresTo(new PrintWriter(System.err), 40);
        System.err.printf("fuzz target %s: %d run, %d failed, %d skipped%n", args[0],
                s.getTestsStartedCount(), s.getTotalFailureCount(), s.getTestsSkippedCount());
        System.exit(s.getTotalFailureCount() > 0 || s.getTestsSucceededCount() == 0 ? 1 : 0);
    }
}
