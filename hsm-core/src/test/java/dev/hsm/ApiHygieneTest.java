package dev.hsm;

import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.classes;
import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.members;

import com.tngtech.archunit.base.DescribedPredicate;
import com.tngtech.archunit.core.domain.Dependency;
import com.tngtech.archunit.core.domain.JavaClass;
import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.domain.JavaCodeUnit;
import com.tngtech.archunit.core.domain.JavaField;
import com.tngtech.archunit.core.domain.JavaMember;
import com.tngtech.archunit.core.domain.JavaModifier;
import com.tngtech.archunit.core.domain.JavaType;
import com.tngtech.archunit.core.domain.ThrowsDeclaration;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.core.importer.ImportOption;
import com.tngtech.archunit.lang.ArchCondition;
import com.tngtech.archunit.lang.ArchRule;
import com.tngtech.archunit.lang.ConditionEvents;
import com.tngtech.archunit.lang.SimpleConditionEvent;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The public API stays separate from the implementation: only the known entry points reach into
 * {@code dev.hsm.internal}, and no public signature of {@code dev.hsm}, {@code dev.hsm.spi} or
 * {@code dev.hsm.config} exposes a type of Bouncy Castle, JDBC, sqlite-jdbc or Nimbus.
 */
class ApiHygieneTest {
  /** The only allowed edges from the API into the implementation. */
  private static final Set<String> ALLOWED_INTERNAL_DEPENDENCIES =
      Set.of(
          "dev.hsm.HsmClient -> dev.hsm.internal.engine.Engine",
          "dev.hsm.HsmConfig -> dev.hsm.internal.custody.SoftwareCustody",
          // HsmConfig.pkcs11 reaches the optional hsm-pkcs11 module by name.
          "dev.hsm.HsmConfig -> dev.hsm.internal.custody.Pkcs11Module",
          // KeyCustody.software(): the built-in custody, for a token custody's software-held keys.
          "dev.hsm.spi.KeyCustody -> dev.hsm.internal.custody.SoftwareCustody",
          "dev.hsm.HsmConfig -> dev.hsm.internal.store.SqliteKeyRecordStore",
          "dev.hsm.KeyMaterial -> dev.hsm.internal.crypto.Pem");

  private static final List<String> FORBIDDEN_IN_SIGNATURES =
      List.of("org.bouncycastle", "java.sql", "org.sqlite", "com.nimbusds");

  /** The packages whose public signatures applications and backends see. */
  private static final String[] PUBLIC_PACKAGES = {
    "dev.hsm", "dev.hsm.spi", "dev.hsm.config", "dev.hsm.jca", "dev.hsm.observe"
  };

  private static JavaClasses mainClasses;

  @BeforeAll
  static void importMainClasses() {
    mainClasses =
        new ClassFileImporter()
            .withImportOption(ImportOption.Predefined.DO_NOT_INCLUDE_TESTS)
            .importPackages("dev.hsm");
  }

  private static boolean inPackage(JavaClass type, String prefix) {
    String name = type.getBaseComponentType().getPackageName();
    return name.equals(prefix) || name.startsWith(prefix + ".");
  }

  private static boolean isInternal(JavaClass type) {
    return inPackage(type, "dev.hsm.internal");
  }

  private static String forbiddenPackageOf(JavaClass type) {
    for (String prefix : FORBIDDEN_IN_SIGNATURES) {
      if (inPackage(type, prefix)) {
        return prefix;
      }
    }
    return null;
  }

  @Test
  void apiClasses_dependOnInternalPackagesOnlyThroughTheKnownEntryPoints() {
    Set<String> usedAllowedEdges = new LinkedHashSet<>();
    ArchCondition<JavaClass> onlyKnownEntryPoints =
        new ArchCondition<>(
            "depend on dev.hsm.internal only through " + ALLOWED_INTERNAL_DEPENDENCIES) {
          @Override
          public void check(JavaClass origin, ConditionEvents events) {
            for (Dependency dependency : origin.getDirectDependenciesFromSelf()) {
              JavaClass target = dependency.getTargetClass().getBaseComponentType();
              if (!isInternal(target)) {
                continue;
              }
              String edge = origin.getName() + " -> " + target.getName();
              if (ALLOWED_INTERNAL_DEPENDENCIES.contains(edge)) {
                usedAllowedEdges.add(edge);
              } else {
                events.add(SimpleConditionEvent.violated(dependency, dependency.getDescription()));
              }
            }
          }
        };

    ArchRule rule =
        classes()
            .that()
            .resideInAPackage("dev.hsm..")
            .and()
            .resideOutsideOfPackage("dev.hsm.internal..")
            .should(onlyKnownEntryPoints);
    rule.check(mainClasses);

    // the allow-list is not stale: both entry points exist as described
    org.assertj.core.api.Assertions.assertThat(usedAllowedEdges)
        .containsExactlyInAnyOrderElementsOf(ALLOWED_INTERNAL_DEPENDENCIES);
  }

  private static final DescribedPredicate<JavaMember> PUBLIC_OR_PROTECTED =
      DescribedPredicate.describe(
          "are public or protected",
          member ->
              member.getModifiers().contains(JavaModifier.PUBLIC)
                  || member.getModifiers().contains(JavaModifier.PROTECTED));

  private static Set<JavaClass> typesInSignature(JavaMember member) {
    Set<JavaClass> types = new LinkedHashSet<>();
    if (member instanceof JavaField) {
      types.addAll(((JavaField) member).getType().getAllInvolvedRawTypes());
    } else if (member instanceof JavaCodeUnit) {
      JavaCodeUnit codeUnit = (JavaCodeUnit) member;
      types.addAll(codeUnit.getReturnType().getAllInvolvedRawTypes());
      for (JavaType parameter : codeUnit.getParameterTypes()) {
        types.addAll(parameter.getAllInvolvedRawTypes());
      }
      for (ThrowsDeclaration<?> thrown : codeUnit.getThrowsClause()) {
        types.add(thrown.getRawType());
      }
      for (JavaType typeParameter : codeUnit.getTypeParameters()) {
        types.addAll(typeParameter.getAllInvolvedRawTypes());
      }
    }
    return types;
  }

  @Test
  void publicSignaturesOfApiSpiAndConfig_mentionNoBouncyCastleJdbcSqliteOrNimbusType() {
    ArchCondition<JavaMember> noForbiddenTypes =
        new ArchCondition<>("mention no type of " + FORBIDDEN_IN_SIGNATURES) {
          @Override
          public void check(JavaMember member, ConditionEvents events) {
            for (JavaClass type : typesInSignature(member)) {
              String forbidden = forbiddenPackageOf(type);
              if (forbidden != null) {
                events.add(
                    SimpleConditionEvent.violated(
                        member,
                        member.getFullName()
                            + " mentions "
                            + type.getName()
                            + " ("
                            + forbidden
                            + ")"));
              }
            }
          }
        };

    ArchRule rule =
        members()
            .that()
            .areDeclaredInClassesThat()
            .resideInAnyPackage(PUBLIC_PACKAGES)
            .and()
            .areDeclaredInClassesThat()
            .arePublic()
            .and(PUBLIC_OR_PROTECTED)
            .should(noForbiddenTypes);
    rule.check(mainClasses);
  }

  @Test
  void publicTypesOfApiSpiAndConfig_extendOrImplementNoBouncyCastleJdbcSqliteOrNimbusType() {
    ArchCondition<JavaClass> noForbiddenSupertypes =
        new ArchCondition<>("extend or implement no type of " + FORBIDDEN_IN_SIGNATURES) {
          @Override
          public void check(JavaClass type, ConditionEvents events) {
            Set<JavaClass> supertypes = new LinkedHashSet<>(type.getAllRawSuperclasses());
            supertypes.addAll(type.getAllRawInterfaces());
            for (JavaClass supertype : supertypes) {
              if (forbiddenPackageOf(supertype) != null) {
                events.add(
                    SimpleConditionEvent.violated(
                        type, type.getName() + " extends or implements " + supertype.getName()));
              }
            }
          }
        };

    classes()
        .that()
        .resideInAnyPackage(PUBLIC_PACKAGES)
        .and()
        .arePublic()
        .should(noForbiddenSupertypes)
        .check(mainClasses);
  }
}
