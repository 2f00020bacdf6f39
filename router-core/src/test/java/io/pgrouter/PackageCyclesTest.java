package io.pgrouter;

import static com.tngtech.archunit.library.dependencies.SlicesRuleDefinition.slices;

import com.tngtech.archunit.core.domain.JavaClass;
import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.library.dependencies.SliceAssignment;
import com.tngtech.archunit.library.dependencies.SliceIdentifier;
import org.junit.jupiter.api.Test;

/**
 * No package cycles among router-core's packages. Run alone with
 * {@code ./mvnw -B verify -pl router-core -am -Dtest=PackageCyclesTest -Dsurefire.failIfNoSpecifiedTests=false -DskipITs}.
 *
 * <p>The public facades {@code io.pgrouter}, {@code io.pgrouter.cutover} and {@code io.pgrouter.topology} are left out
 * on purpose: their value types ({@code NodeRole}, {@code PoolSettings}, events, the readiness report, the topology
 * source's status) are spoken by the engine, and their entry points ({@code RoutingDataSource},
 * {@code CutoverReadiness}, the topology sources, which need the engine's optional-Jackson check) start it or use it; that two-way tie is HikariCP's shape
 * too ({@code com.zaxxer.hikari} and {@code pool}). Every other package (the engine, its config, health and cutover
 * packages, the metrics binder) must form no cycle.
 */
class PackageCyclesTest {

    private static final String ROOT = "io.pgrouter";
    private static final java.util.Set<String> FACADES = java.util.Set.of(ROOT + ".cutover", ROOT + ".topology");

    /** router-core's main classes only (the test kit shares the package prefix and is on the test class path). */
    private static final JavaClasses CORE = new ClassFileImporter()
            .importUrl(RoutingDataSource.class
                    .getProtectionDomain()
                    .getCodeSource()
                    .getLocation());

    /** One slice per package below the public one. */
    private static final SliceAssignment PACKAGES_BELOW_THE_API = new SliceAssignment() {
        @Override
        public SliceIdentifier getIdentifierOf(JavaClass javaClass) {
            String name = javaClass.getPackageName();
            return name.startsWith(ROOT + ".") && !FACADES.contains(name)
                    ? SliceIdentifier.of(name)
                    : SliceIdentifier.ignore();
        }

        @Override
        public String getDescription() {
            return "the packages below " + ROOT;
        }
    };

    @Test
    void thePackagesBelowThePublicOneFormNoCycle() {
        slices().assignedFrom(PACKAGES_BELOW_THE_API).should().beFreeOfCycles().check(CORE);
    }
}
