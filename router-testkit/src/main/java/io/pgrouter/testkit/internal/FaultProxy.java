package io.pgrouter.testkit.internal;

import io.pgrouter.testkit.NetworkFaults;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.SocketException;
import java.time.Duration;
import java.util.Arrays;
import java.util.Set;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A TCP proxy in the JVM in front of one server: the {@link NetworkFaults.Mechanism#PROXY} mechanism.
 *
 * <p>Each accepted connection gets a connection to the server and, per direction, a reader thread and a writer
 * thread joined by a small bounded queue: the reader stamps each chunk with the time it may leave, the writer holds
 * it until then, so latency delays bytes without slowing a stream down. While cut off, the acceptor stops
 * accepting and the writers stop writing; the bounded queues then stop the readers, so nothing is lost or buffered
 * without bound, and open connections go on after {@link #restore()} as TCP would after a partition heals.
 */
public final class FaultProxy implements NetworkFaults, AutoCloseable {

    private static final Logger log = LoggerFactory.getLogger(FaultProxy.class);
    private static final int CHUNK = 16 * 1024;
    private static final int QUEUED_CHUNKS = 16;
    private static final int CONNECT_TIMEOUT_MILLIS = 5_000;
    private static final byte[] END = new byte[0];

    private final String node;
    private final InetSocketAddress listen;
    private final InetSocketAddress target;
    private final Set<Link> links = ConcurrentHashMap.newKeySet();
    private final ReentrantLock lock = new ReentrantLock();
    private final Condition changed = lock.newCondition();
    private boolean cut;
    private long oneWayDelayNanos;
    private volatile boolean closed;
    private ServerSocket server;

    FaultProxy(String node, InetSocketAddress listen, InetSocketAddress target) {
        this.node = node;
        this.listen = listen;
        this.target = target;
    }

    /**
     * A proxy on a free loopback port in front of {@code host:port}, started: for {@link io.pgrouter.testkit.NodeProxy},
     * whose clients alone take its faults.
     */
    public static FaultProxy inFrontOf(String node, String host, int port) {
        return new FaultProxy(node, new InetSocketAddress(FreePorts.HOST, 0), new InetSocketAddress(host, port))
                .start();
    }

    /** The port it listens on. */
    public int port() {
        return server.getLocalPort();
    }

    /** Listens on the node's address and starts accepting. */
    FaultProxy start() {
        try {
            server = new ServerSocket();
            server.setReuseAddress(true);
            server.bind(listen);
        } catch (IOException e) {
            throw new IllegalStateException(
                    "Cannot start the network-fault proxy of " + node + " on " + listen + ": " + e.getMessage()
                            + " (leave basePort unset to use free ports, or stop what listens there)",
                    e);
        }
        daemon("accept", this::acceptLoop).start();
        return this;
    }

    @Override
    public Mechanism mechanism() {
        return Mechanism.PROXY;
    }

    @Override
    public void cutOff() {
        update(true, 0);
        log.debug("{} cut off (proxy on {})", node, listen);
    }

    @Override
    public void addLatency(Duration delay) {
        long nanos = NetworkFaultSettings.checkedLatency(node, delay).toNanos();
        // Half on the way in, half on the way out: a round trip takes the whole delay longer.
        update(false, nanos / 2);
        log.debug("{} answers {} ms later (proxy on {})", node, delay.toMillis(), listen);
    }

    @Override
    public void resetConnections() {
        for (Link link : links) {
            link.reset();
        }
        log.debug("{}: reset its connections (proxy on {})", node, listen);
    }

    @Override
    public void restore() {
        update(false, 0);
    }

    private void update(boolean cut, long oneWayDelayNanos) {
        lock.lock();
        try {
            this.cut = cut;
            this.oneWayDelayNanos = oneWayDelayNanos;
            changed.signalAll();
        } finally {
            lock.unlock();
        }
    }

    /** The time a chunk read now may be written. */
    private long dueTime() {
        lock.lock();
        try {
            return System.nanoTime() + oneWayDelayNanos;
        } finally {
            lock.unlock();
        }
    }

    /**
     * Waits until the node is not cut off and {@code due} has come; false when the proxy or {@code link} (if any)
     * closed meanwhile.
     */
    private boolean awaitPassable(long due, Link link) throws InterruptedException {
        lock.lock();
        try {
            while (!closed && (link == null || !link.reset)) {
                long wait = due - System.nanoTime();
                if (cut) {
                    changed.await();
                } else if (wait > 0) {
                    changed.awaitNanos(wait);
                } else {
                    return true;
                }
            }
            return false;
        } finally {
            lock.unlock();
        }
    }

    private void acceptLoop() {
        while (!closed) {
            try {
                if (!awaitPassable(0, null)) {
                    return;
                }
                Socket client = server.accept();
                if (!awaitPassable(0, null)) {
                    client.close();
                    return;
                }
                connect(client);
            } catch (IOException e) {
                if (!closed) {
                    log.warn("Network-fault proxy of {} stopped accepting: {}", node, e.getMessage());
                }
                return;
            } catch (InterruptedException e) {
                return;
            }
        }
    }

    private void connect(Socket client) throws IOException {
        Socket upstream = new Socket();
        try {
            upstream.connect(target, CONNECT_TIMEOUT_MILLIS);
        } catch (IOException e) {
            // The server is down: the client sees what it would see without the proxy, a refused connection.
            upstream.close();
            client.setSoLinger(true, 0);
            client.close();
            return;
        }
        client.setTcpNoDelay(true);
        upstream.setTcpNoDelay(true);
        Link link = new Link(client, upstream);
        links.add(link);
        link.start();
    }

    private Thread daemon(String role, Runnable task) {
        Thread t = new Thread(task, "pgrouter-proxy-" + node + "-" + role);
        t.setDaemon(true);
        return t;
    }

    @Override
    public void close() {
        closed = true;
        update(false, 0);
        try {
            if (server != null) {
                server.close();
            }
        } catch (IOException ignored) {
            // closing anyway
        }
        links.forEach(Link::reset);
    }

    /** One client connection and its connection to the server. */
    private final class Link {

        private final Socket client;
        private final Socket upstream;
        private int directionsOpen = 2;
        private volatile boolean reset;

        Link(Socket client, Socket upstream) {
            this.client = client;
            this.upstream = upstream;
        }

        void start() throws IOException {
            pipe("in", client.getInputStream(), upstream.getOutputStream(), upstream);
            pipe("out", upstream.getInputStream(), client.getOutputStream(), client);
        }

        private void pipe(String direction, InputStream from, OutputStream to, Socket toSocket) {
            BlockingQueue<Chunk> queue = new ArrayBlockingQueue<>(QUEUED_CHUNKS);
            daemon(direction + "-read", () -> {
                        byte[] buffer = new byte[CHUNK];
                        try {
                            int n;
                            while ((n = from.read(buffer)) >= 0) {
                                queue.put(new Chunk(dueTime(), Arrays.copyOf(buffer, n)));
                            }
                            queue.put(new Chunk(dueTime(), END));
                        } catch (IOException | InterruptedException e) {
                            reset();
                            // Wakes a writer waiting for the next chunk; it sees the reset and ends. A full queue has
                            // no such writer.
                            queue.offer(new Chunk(0, END));
                        }
                    })
                    .start();
            daemon(direction + "-write", () -> {
                        try {
                            while (true) {
                                Chunk chunk = queue.take();
                                if (!awaitPassable(chunk.due(), this)) {
                                    return;
                                }
                                if (chunk.bytes() == END) {
                                    toSocket.shutdownOutput();
                                    directionClosed();
                                    return;
                                }
                                to.write(chunk.bytes());
                                to.flush();
                            }
                        } catch (IOException | InterruptedException e) {
                            reset();
                        } finally {
                            // A reader blocked on the full queue must get to its next read, which then fails on the
                            // closed socket.
                            queue.clear();
                        }
                    })
                    .start();
        }

        private void directionClosed() {
            synchronized (this) {
                if (--directionsOpen > 0) {
                    return;
                }
            }
            closeQuietly(client);
            closeQuietly(upstream);
            links.remove(this);
        }

        /** Closes both sockets with linger 0, so that both ends get a reset; the pipe threads then end. */
        void reset() {
            reset = true;
            links.remove(this);
            for (Socket s : new Socket[] {client, upstream}) {
                try {
                    s.setSoLinger(true, 0);
                } catch (SocketException ignored) {
                    // already closed
                }
                closeQuietly(s);
            }
            // A writer waiting for the cut-off or the latency to end would not see the closed socket.
            lock.lock();
            try {
                changed.signalAll();
            } finally {
                lock.unlock();
            }
        }

        private void closeQuietly(Socket s) {
            try {
                s.close();
            } catch (IOException ignored) {
                // nothing left to do
            }
        }
    }

    private record Chunk(long due, byte[] bytes) {}
}
