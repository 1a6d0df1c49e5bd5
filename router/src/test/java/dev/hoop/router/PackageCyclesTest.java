package dev.hoop.router;

import static com.tngtech.archunit.library.dependencies.SlicesRuleDefinition.slices;

import com.tngtech.archunit.core.importer.ImportOption;
import com.tngtech.archunit.junit.AnalyzeClasses;
import com.tngtech.archunit.junit.ArchTest;
import com.tngtech.archunit.lang.ArchRule;

/** No package of the router depends back on a package that depends on it (docs/architecture.md#layers). */
@AnalyzeClasses(packages = "dev.hoop.router", importOptions = ImportOption.DoNotIncludeTests.class)
class PackageCyclesTest {

    /** Top-level packages, sub-packages counted with their parent. */
    @ArchTest
    static final ArchRule topLevelPackagesHaveNoCycles = slices().matching("dev.hoop.router.(*)..").should().beFreeOfCycles();

    /** Every package on its own. */
    @ArchTest
    static final ArchRule packagesHaveNoCycles = slices().matching("dev.hoop.router.(**)").should().beFreeOfCycles();
}
