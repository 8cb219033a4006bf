package dev.commandcenter.app;

import com.tngtech.archunit.base.DescribedPredicate;
import com.tngtech.archunit.core.domain.JavaClass;
import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.core.importer.ImportOption;
import com.tngtech.archunit.lang.ArchRule;
import com.tngtech.archunit.library.dependencies.SliceAssignment;
import com.tngtech.archunit.library.dependencies.SliceIdentifier;
import dev.commandcenter.plugin.host.HostedPlugin;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;
import static com.tngtech.archunit.library.dependencies.SlicesRuleDefinition.slices;

/**
 * The module structure of docs/architecture.md, enforced over the production classes of every module: no
 * package cycles, the engine core depends on the codecs and nothing else of ours, transports and plugins
 * never know each other, and no module reaches into another module's {@code internal} package.
 */
class ArchitectureTest
{
    private static final String ROOT = "dev.commandcenter";
    private static JavaClasses classes;

    @BeforeAll
    static void importClasses()
    {
        classes = new ClassFileImporter()
            .withImportOption(ImportOption.Predefined.DO_NOT_INCLUDE_TESTS)
            .withImportOption((location) -> !location.contains("-tests.jar"))
            .importPackages(ROOT);
    }

    @Test
    void shouldImportEveryModule()
    {
        for (final String pkg : new String[] {
            "config", "codecs", "engine", "plugin.host", "plugin.testkit", "persistence", "transport.websocket",
            "transport.electrum", "transport.electrum.sim", "plugin.streambridge", "app" })
        {
            org.assertj.core.api.Assertions.assertThat(classes.containPackage(ROOT + "." + pkg))
                .as("classes of %s imported", pkg).isTrue();
        }
    }

    @Test
    void shouldHaveNoPackageCycles()
    {
        slices().assignedFrom(PACKAGE_WITH_ITS_INTERNALS).should().beFreeOfCycles().check(classes);
    }

    @Test
    void shouldHaveNoPackageCyclesInTheApp()
    {
        slices().assignedFrom(new SliceAssignment()
        {
            public SliceIdentifier getIdentifierOf(final JavaClass javaClass)
            {
                final String pkg = javaClass.getPackageName();
                return pkg.startsWith(ROOT + ".app") ? SliceIdentifier.of(pkg) : SliceIdentifier.ignore();
            }

            public String getDescription()
            {
                return "packages of the app";
            }
        }).should().beFreeOfCycles().check(classes);
    }

    /**
     * One slice per package, except that a package's {@code internal} sub-package (its implementation,
     * hidden from other modules) belongs to the package it implements.
     */
    private static final SliceAssignment PACKAGE_WITH_ITS_INTERNALS = new SliceAssignment()
    {
        public SliceIdentifier getIdentifierOf(final JavaClass javaClass)
        {
            final String pkg = javaClass.getPackageName();
            if (!pkg.startsWith(ROOT))
            {
                return SliceIdentifier.ignore();
            }
            final int internal = pkg.indexOf(".internal");
            return SliceIdentifier.of(internal < 0 ? pkg : pkg.substring(0, internal));
        }

        public String getDescription()
        {
            return "packages, each with its internal implementation";
        }
    };

    @Test
    void shouldKeepTheEngineCoreOnCodecsOnly()
    {
        noClasses().that().resideInAPackage(ROOT + ".engine..")
            .should().dependOnClassesThat().resideInAnyPackage(
                ROOT + ".plugin..", ROOT + ".persistence..", ROOT + ".transport..", ROOT + ".app..")
            .check(classes);
    }

    @Test
    void shouldKeepCodecsFreeOfEverythingElseOfOurs()
    {
        noClasses().that().resideInAPackage(ROOT + ".codecs..")
            .should().dependOnClassesThat().resideInAnyPackage(
                ROOT + ".engine..", ROOT + ".plugin..", ROOT + ".persistence..", ROOT + ".transport..", ROOT + ".app..")
            .check(classes);
    }

    @Test
    void shouldKeepTheConfigBinderFreeOfEverythingElseOfOurs()
    {
        noClasses().that().resideInAPackage(ROOT + ".config..")
            .should().dependOnClassesThat().resideInAnyPackage(ROOT + ".codecs..", ROOT + ".engine..",
                ROOT + ".plugin..", ROOT + ".persistence..", ROOT + ".transport..", ROOT + ".app..")
            .check(classes);
    }

    @Test
    void shouldKeepTransportsAndPluginsApart()
    {
        // The remote plugin seam (and the loader of a plugin jar for a host out of process) is what transports of
        // the remote plugin protocol are written against.
        noClasses().that().resideInAPackage(ROOT + ".transport..")
            .should().dependOnClassesThat(JavaClass.Predicates.resideInAPackage(ROOT + ".plugin..")
                .and(DescribedPredicate.not(JavaClass.Predicates.resideInAPackage(ROOT + ".plugin.host.remote..")))
                .and(DescribedPredicate.not(JavaClass.Predicates.belongToAnyOf(HostedPlugin.class))))
            .check(classes);
        noClasses().that().resideInAPackage(ROOT + ".plugin..")
            .should().dependOnClassesThat().resideInAPackage(ROOT + ".transport..")
            .check(classes);
    }

    @Test
    void shouldKeepTransportsApart()
    {
        noClasses().that().resideInAPackage(ROOT + ".transport.websocket..")
            .should().dependOnClassesThat().resideInAPackage(ROOT + ".transport.electrum..")
            .check(classes);
        noClasses().that().resideInAPackage(ROOT + ".transport.electrum..")
            .should().dependOnClassesThat().resideInAPackage(ROOT + ".transport.websocket..")
            .check(classes);
    }

    @Test
    void shouldLetOnlyTheAppAssembleEverything()
    {
        noClasses().that().resideOutsideOfPackage(ROOT + ".app..")
            .should().dependOnClassesThat().resideInAPackage(ROOT + ".app..")
            .check(classes);
        noClasses().that().resideInAnyPackage(ROOT + ".plugin..", ROOT + ".transport..", ROOT + ".persistence..")
            .and().resideOutsideOfPackage(ROOT + ".plugin.testkit..")
            .should().dependOnClassesThat().resideInAPackage(ROOT + ".plugin.testkit..")
            .check(classes);
    }

    @Test
    void shouldNotReachIntoAnotherModulesInternals()
    {
        for (final String module : new String[] {
            "engine", "plugin.host", "persistence", "transport.websocket", "transport.electrum", "plugin.streambridge" })
        {
            final ArchRule rule = noClasses().that().resideOutsideOfPackage(ROOT + "." + module + "..")
                .should().dependOnClassesThat().resideInAPackage(ROOT + "." + module + "..internal..");
            rule.check(classes);
        }
    }
}
