package dev.hsm.cli;

import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;

import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.core.importer.ImportOption;
import org.junit.jupiter.api.Test;

/** The tool is a client of the public API: it never reaches into hsm-core's internals. */
class CliArchitectureTest {
  @Test
  void theCli_usesNoInternalPackageOfTheLibrary() {
    JavaClasses cli =
        new ClassFileImporter()
            .withImportOption(ImportOption.Predefined.DO_NOT_INCLUDE_TESTS)
            .importPackages("dev.hsm.cli");

    noClasses()
        .that()
        .resideInAPackage("dev.hsm.cli..")
        .should()
        .dependOnClassesThat()
        .resideInAPackage("dev.hsm.internal..")
        .check(cli);
  }
}
