package dev.hoop.gateway;

import static com.tngtech.archunit.library.Architectures.layeredArchitecture;
import static com.tngtech.archunit.library.dependencies.SlicesRuleDefinition.slices;

import com.tngtech.archunit.core.importer.ImportOption;
import com.tngtech.archunit.junit.AnalyzeClasses;
import com.tngtech.archunit.junit.ArchTest;
import com.tngtech.archunit.lang.ArchRule;

/**
 * The gateway's package layering (docs/architecture.md#layers): no package cycles, and dependencies point one way,
 * {@code config ← store ← auth ← audit/broker ← webhook ← transport/api ← dev.hoop.gateway} (the wiring).
 */
@AnalyzeClasses(packages = "dev.hoop.gateway", importOptions = ImportOption.DoNotIncludeTests.class)
class PackageCyclesTest {

    /** Top-level packages, sub-packages (auth.oidc, store.internal, …) counted with their parent. */
    @ArchTest
    static final ArchRule topLevelPackagesHaveNoCycles = slices().matching("dev.hoop.gateway.(*)..").should().beFreeOfCycles();

    /** Every package on its own. */
    @ArchTest
    static final ArchRule packagesHaveNoCycles = slices().matching("dev.hoop.gateway.(**)").should().beFreeOfCycles();

    @ArchTest
    static final ArchRule layersPointOneWay = layeredArchitecture().consideringOnlyDependenciesInLayers()
            .layer("wiring").definedBy("dev.hoop.gateway")
            .layer("api").definedBy("dev.hoop.gateway.api..")
            .layer("transport").definedBy("dev.hoop.gateway.transport..")
            .layer("webhook").definedBy("dev.hoop.gateway.webhook..")
            .layer("review").definedBy("dev.hoop.gateway.review..")
            .layer("broker").definedBy("dev.hoop.gateway.broker..")
            .layer("audit").definedBy("dev.hoop.gateway.audit..")
            .layer("auth").definedBy("dev.hoop.gateway.auth..")
            .layer("store").definedBy("dev.hoop.gateway.store..")
            .layer("config").definedBy("dev.hoop.gateway.config..")
            .layer("masking").definedBy("dev.hoop.gateway.masking..")
            .layer("metrics").definedBy("dev.hoop.gateway.metrics..")
            .whereLayer("wiring").mayNotBeAccessedByAnyLayer()
            .whereLayer("api").mayOnlyBeAccessedByLayers("wiring")
            .whereLayer("transport").mayOnlyBeAccessedByLayers("wiring")
            .whereLayer("webhook").mayOnlyBeAccessedByLayers("api", "wiring")
            .whereLayer("review").mayOnlyBeAccessedByLayers("api", "wiring")
            .whereLayer("broker").mayOnlyBeAccessedByLayers("review", "webhook", "api", "transport", "wiring")
            .whereLayer("audit").mayOnlyBeAccessedByLayers("broker", "api", "transport", "wiring")
            .whereLayer("auth").mayOnlyBeAccessedByLayers("audit", "broker", "review", "api", "transport", "wiring")
            .whereLayer("store").mayOnlyBeAccessedByLayers("auth", "audit", "broker", "review", "webhook", "api", "transport", "wiring")
            .whereLayer("config").mayOnlyBeAccessedByLayers("store", "auth", "audit", "broker", "review", "webhook", "api", "transport", "wiring")
            // the masking rules' validation: a leaf, used where rules are written (api) and read (broker)
            .whereLayer("masking").mayOnlyBeAccessedByLayers("broker", "api", "wiring")
            // Prometheus meters: a leaf that the broker, the audit log and the API feed (docs/metrics.md)
            .whereLayer("metrics").mayOnlyBeAccessedByLayers("audit", "broker", "api", "wiring");
}
