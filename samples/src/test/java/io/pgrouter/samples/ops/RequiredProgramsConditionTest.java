package io.pgrouter.samples.ops;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

/** How {@link RequiresPrograms} finds programs: a bare name on the PATH, an absolute path as it is. */
class RequiredProgramsConditionTest {

    @Test
    void aProgramOnThePathIsFoundAndAMissingOneIsNot() {
        assertThat(RequiredProgramsCondition.find("sh"))
                .hasValueSatisfying(p -> assertThat(p).isExecutable());
        assertThat(RequiredProgramsCondition.find("no-such-program-pgrouter")).isEmpty();
    }

    @Test
    void anAbsolutePathMustBeAnExecutableFile() {
        assertThat(RequiredProgramsCondition.find("/no/such/dir/chromedriver")).isEmpty();
        assertThat(RequiredProgramsCondition.find("/")).isEmpty();
    }
}
