package dev.hoop.dist;

import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;
import static com.tngtech.archunit.library.dependencies.SlicesRuleDefinition.slices;

import com.tngtech.archunit.core.importer.ImportOption;
import com.tngtech.archunit.junit.AnalyzeClasses;
import com.tngtech.archunit.junit.ArchTest;
import com.tngtech.archunit.lang.ArchRule;

/**
 * The module rules of docs/architecture.md#layers, checked on the production classes of every module (dist
 * depends on all of them, so its test classpath sees them all): the deployable components never import each
 * other, {@code common} imports none of them, and no module depends back on a module that depends on it.
 */
@AnalyzeClasses(packages = "dev.hoop", importOptions = ImportOption.DoNotIncludeTests.class)
class ModuleBoundariesTest {

    private static final String[] COMPONENTS = {"dev.hoop.gateway..", "dev.hoop.agent..", "dev.hoop.client..", "dev.hoop.router.."};

    @ArchTest
    static final ArchRule modulesHaveNoCycles = slices().matching("dev.hoop.(*)..").should().beFreeOfCycles();

    @ArchTest
    static final ArchRule gatewayImportsNoOtherComponent = noClasses().that().resideInAPackage("dev.hoop.gateway..")
            .should().dependOnClassesThat().resideInAnyPackage(others("dev.hoop.gateway.."));

    @ArchTest
    static final ArchRule agentImportsNoOtherComponent = noClasses().that().resideInAPackage("dev.hoop.agent..")
            .should().dependOnClassesThat().resideInAnyPackage(others("dev.hoop.agent.."));

    @ArchTest
    static final ArchRule clientImportsNoOtherComponent = noClasses().that().resideInAPackage("dev.hoop.client..")
            .should().dependOnClassesThat().resideInAnyPackage(others("dev.hoop.client.."));

    @ArchTest
    static final ArchRule routerImportsNoOtherComponent = noClasses().that().resideInAPackage("dev.hoop.router..")
            .should().dependOnClassesThat().resideInAnyPackage(others("dev.hoop.router.."));

    @ArchTest
    static final ArchRule commonImportsNoComponent = noClasses().that().resideInAnyPackage("dev.hoop.common..", "dev.hoop.proto..")
            .should().dependOnClassesThat().resideInAnyPackage(others(""));

    /** First-run seeding goes through {@code dev.hoop.gateway.Seeding}, not the gateway's store or auth classes. */
    @ArchTest
    static final ArchRule distSeedsThroughTheGatewaysFrontDoor = noClasses().that().resideInAPackage("dev.hoop.dist..")
            .should().dependOnClassesThat().resideInAnyPackage("dev.hoop.gateway.store..", "dev.hoop.gateway.auth..");

    /** The other components and dist: what {@code self} must not import. */
    private static String[] others(String self) {
        return java.util.stream.Stream.concat(java.util.Arrays.stream(COMPONENTS), java.util.stream.Stream.of("dev.hoop.dist.."))
                .filter(p -> !p.equals(self)).toArray(String[]::new);
    }
}
