package io.pgrouter.cutover;

import java.util.Objects;

/**
 * One sequence of the published tables, as a sequence synchronization found and left it. Logical replication does not
 * carry sequence values, so before writes move to the target, each of its sequences is set past every value the
 * source may have handed out: the source's last value plus a margin (counted in increments).
 *
 * @param sequence the sequence, schema-qualified and quoted as needed ({@code public.orders_id_seq})
 * @param sourceLast the last value the source handed out, or {@code null} when it handed out none yet
 * @param targetBefore the target's last value handed out before the synchronization, or {@code null} for none
 * @param targetAfter the target's last value after it (what the next {@code nextval} counts on from)
 * @param moved whether the target's sequence was moved; {@code false} when it was already far enough (it never moves
 *     back), and in a dry run
 */
public record SequenceMove(String sequence, Long sourceLast, Long targetBefore, Long targetAfter, boolean moved) {

    public SequenceMove {
        Objects.requireNonNull(sequence, "sequence");
    }

    @Override
    public String toString() {
        return sequence + ": source " + text(sourceLast) + ", target " + text(targetBefore)
                + (moved ? " -> " + text(targetAfter) : " (left)");
    }

    private static String text(Long value) {
        return value == null ? "unused" : value.toString();
    }
}
