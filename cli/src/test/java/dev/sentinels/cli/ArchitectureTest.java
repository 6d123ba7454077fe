package dev.sentinels.cli;

import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;
import static com.tngtech.archunit.library.Architectures.layeredArchitecture;
import static com.tngtech.archunit.library.dependencies.SlicesRuleDefinition.slices;

import com.tngtech.archunit.core.importer.ImportOption;
import com.tngtech.archunit.junit.AnalyzeClasses;
import com.tngtech.archunit.junit.ArchTest;
import com.tngtech.archunit.lang.ArchRule;

/**
 * The package layering of docs/architecture.md, checked on the compiled classes: no cycle, each
 * layer reaching only downwards, fabric8 inside the cluster adapter, picocli inside the commands.
 */
@AnalyzeClasses(packages = "dev.sentinels", importOptions = ImportOption.DoNotIncludeTests.class)
class ArchitectureTest {

  @ArchTest
  static final ArchRule packagesFormNoCycle =
      slices().matching("dev.sentinels.(**)").should().beFreeOfCycles();

  @ArchTest
  static final ArchRule layersReachOnlyDownwards =
      layeredArchitecture()
          .consideringOnlyDependenciesInLayers()
          .layer("Program")
          .definedBy("dev.sentinels.cli")
          .layer("Commands")
          .definedBy("dev.sentinels.cli.command..")
          .layer("Metrics")
          .definedBy("dev.sentinels.cli.metrics..")
          .layer("Cluster adapter")
          .definedBy("dev.sentinels.cli.cluster..")
          .layer("Local adapter")
          .definedBy("dev.sentinels.cli.local..")
          .layer("Engine")
          .definedBy("dev.sentinels.cli.engine")
          .layer("Ports")
          .definedBy("dev.sentinels.cli.engine.port..")
          .layer("Plugin host")
          .definedBy("dev.sentinels.cli.plugin..")
          .layer("Configuration")
          .definedBy("dev.sentinels.cli.config..")
          .layer("Specs")
          .definedBy("dev.sentinels.cli.spec..")
          .layer("Policy")
          .definedBy("dev.sentinels.cli.queue..")
          .layer("Support")
          .definedBy("dev.sentinels.cli.support..")
          .layer("API")
          .definedBy("dev.sentinels.api..")
          .whereLayer("Program")
          .mayNotBeAccessedByAnyLayer()
          .whereLayer("Commands")
          .mayOnlyBeAccessedByLayers("Program")
          .whereLayer("Metrics")
          .mayOnlyBeAccessedByLayers("Commands")
          .whereLayer("Cluster adapter")
          .mayOnlyBeAccessedByLayers("Commands")
          .whereLayer("Local adapter")
          .mayOnlyBeAccessedByLayers("Commands")
          .whereLayer("Engine")
          .mayOnlyBeAccessedByLayers("Commands", "Cluster adapter", "Local adapter")
          .whereLayer("Ports")
          .mayOnlyBeAccessedByLayers(
              "Commands", "Metrics", "Cluster adapter", "Local adapter", "Engine")
          .whereLayer("Plugin host")
          .mayOnlyBeAccessedByLayers(
              "Commands", "Cluster adapter", "Local adapter", "Engine", "Ports")
          .whereLayer("Configuration")
          .mayOnlyBeAccessedByLayers("Program", "Commands", "Local adapter")
          .whereLayer("Policy")
          .mayOnlyBeAccessedByLayers("Commands", "Engine")
          .whereLayer("Specs")
          .mayOnlyBeAccessedByLayers(
              "Program", "Commands", "Cluster adapter", "Plugin host", "Configuration");

  @ArchTest
  static final ArchRule fabric8StaysInTheClusterAdapter =
      noClasses()
          .that()
          .resideOutsideOfPackage("dev.sentinels.cli.cluster..")
          .should()
          .dependOnClassesThat()
          .resideInAPackage("io.fabric8..");

  @ArchTest
  static final ArchRule prometheusStaysInTheMetrics =
      noClasses()
          .that()
          .resideOutsideOfPackage("dev.sentinels.cli.metrics..")
          .should()
          .dependOnClassesThat()
          .resideInAPackage("io.prometheus..");

  @ArchTest
  static final ArchRule picocliStaysInTheCommands =
      noClasses()
          .that()
          .resideOutsideOfPackages("dev.sentinels.cli.command..", "dev.sentinels.cli")
          .should()
          .dependOnClassesThat()
          .resideInAPackage("picocli..");

  @ArchTest
  static final ArchRule theApiKnowsNoImplementation =
      noClasses()
          .that()
          .resideInAPackage("dev.sentinels.api..")
          .should()
          .dependOnClassesThat()
          .resideInAnyPackage("dev.sentinels.cli..", "io.fabric8..", "picocli..");

  @ArchTest
  static final ArchRule theAdmissionPolicyIsPure =
      noClasses()
          .that()
          .resideInAPackage("dev.sentinels.cli.queue..")
          .should()
          .dependOnClassesThat()
          .resideInAnyPackage("java.io..", "java.nio..", "java.net..", "java.sql..");
}
