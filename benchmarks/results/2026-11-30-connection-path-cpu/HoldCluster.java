import io.pgrouter.benchmarks.Endpoints;
import io.pgrouter.testkit.PostgresReplicaSet;
import io.pgrouter.testkit.ReplicaSet;
import java.nio.file.Files;
import java.nio.file.Path;

/** Starts a test kit primary and replica, writes the JMH fork options to args[0], holds until stdin closes. */
public class HoldCluster {
    public static void main(String[] args) throws Exception {
        try (ReplicaSet cluster = PostgresReplicaSet.builder().replicas(1).start()) {
            Files.writeString(Path.of(args[0]), String.join(" ", Endpoints.of(cluster).asJvmArgs()));
            while (System.in.read() != -1) {
                // hold the cluster while the A/B runs go on
            }
        }
    }
}
