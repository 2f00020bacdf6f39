package io.pgrouter.testkit.patroni;

import io.pgrouter.testkit.internal.BackgroundProcess;
import io.pgrouter.testkit.internal.FreePorts;
import io.pgrouter.testkit.internal.ServerUser;
import java.io.IOException;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.List;
import java.util.Map;

/** A one-member etcd, Patroni's distributed configuration store, with its client and peer URLs on free loopback ports. */
final class EtcdServer implements AutoCloseable {

    private static final String NAME = "etcd";

    private final URI clientUrl;
    private final BackgroundProcess process;

    private EtcdServer(URI clientUrl, BackgroundProcess process) {
        this.clientUrl = clientUrl;
        this.process = process;
    }

    /** Starts etcd with its data in {@code runDir/etcd} and waits until {@code /health} says it is healthy. */
    static EtcdServer start(
            PatroniPrograms programs,
            Path runDir,
            ServerUser user,
            String clusterToken,
            PatroniRest rest,
            Duration timeout) {
        URI clientUrl = URI.create("http://" + FreePorts.HOST + ":" + FreePorts.next());
        String peerUrl = "http://" + FreePorts.HOST + ":" + FreePorts.next();
        Path dataDir = runDir.resolve(NAME);
        try {
            Files.createDirectory(dataDir);
            Files.setPosixFilePermissions(dataDir, PosixFilePermissions.fromString("rwx------"));
            user.own(dataDir);
        } catch (IOException e) {
            throw new IllegalStateException(
                    "Cannot create etcd's data directory " + dataDir + ": " + e.getMessage(), e);
        }
        BackgroundProcess process = BackgroundProcess.start(
                NAME,
                List.of(
                        programs.etcd().toString(),
                        "--name",
                        NAME,
                        "--data-dir",
                        dataDir.resolve("data").toString(),
                        "--listen-client-urls",
                        clientUrl.toString(),
                        "--advertise-client-urls",
                        clientUrl.toString(),
                        "--listen-peer-urls",
                        peerUrl,
                        "--initial-advertise-peer-urls",
                        peerUrl,
                        "--initial-cluster",
                        NAME + "=" + peerUrl,
                        "--initial-cluster-token",
                        clusterToken,
                        "--initial-cluster-state",
                        "new"),
                Map.of(),
                runDir.resolve(NAME + ".log"),
                user,
                runDir);
        EtcdServer etcd = new EtcdServer(clientUrl, process);
        try {
            Await.until(
                    timeout,
                    "etcd to report itself healthy at " + clientUrl + "/health",
                    () -> {
                        etcd.failIfExited();
                        return rest.get(clientUrl.resolve("/health"))
                                .filter(r -> r.status() == 200 && r.body().contains("true"))
                                .isPresent();
                    },
                    process::logTail);
            return etcd;
        } catch (RuntimeException e) {
            etcd.close();
            throw e;
        }
    }

    private void failIfExited() {
        String exit = process.exitDescription();
        if (exit != null) {
            throw new IllegalStateException(exit + ". " + process.logTail());
        }
    }

    /** {@code host:port} of the client URL, as Patroni's {@code etcd3.hosts} wants it. */
    String clientHostPort() {
        return clientUrl.getHost() + ":" + clientUrl.getPort();
    }

    @Override
    public void close() {
        process.kill();
    }
}
