package io.pgrouter.samples.ops;

import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * Runs the annotated tests only where every named program is on the {@code PATH} (or given as an absolute path);
 * else they are skipped, and the reason (which program, which package gives it) is printed.
 */
@Target(ElementType.TYPE)
@Retention(RetentionPolicy.RUNTIME)
@ExtendWith(RequiredProgramsCondition.class)
@interface RequiresPrograms {

    /** Program names ({@code promtool}) or absolute paths ({@code /usr/bin/chromedriver}). */
    String[] value();

    /** Where the programs come from, for the skip message. */
    String installHint();
}
