package io.pgrouter;

import static org.assertj.core.api.Assertions.assertThat;

import io.pgrouter.testkit.LogicalReplication;
import io.pgrouter.testkit.UpgradePair;
import org.junit.jupiter.api.Test;

/** The cutover of {@link CutoverIT} from PostgreSQL 16 to 18, with the same load and the same promises. */
class Cutover16IT {

    @Test
    void theCutoverFrom16To18MovesBothRoutersUnderLoadWithNoFailedLostOrDuplicateWrite() throws Exception {
        try (UpgradePair pair = UpgradePair.start("16", "18", "shop");
                LogicalReplication ignored = LogicalReplication.from(pair.source())
                        .to(pair.target())
                        .name("shop_upgrade")
                        .schema(CutoverLoad.ORDERS_DDL)
                        .start()) {
            CutoverIT.Figures figures = CutoverIT.cutoverUnderLoad(pair, 4, 20);
            System.out.println(figures);
            assertThat(figures.failed()).isZero();
        }
    }
}
