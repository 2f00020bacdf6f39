package io.pgrouter.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;
import static org.mockito.Mockito.mock;
import static org.mockito.Mockito.verify;

import java.sql.Connection;
import java.sql.SQLException;
import java.sql.SQLTransientConnectionException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import javax.sql.DataSource;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** The waiter registry of primary borrows: slots reused, overflow beyond them, redirects that end waits. */
class BorrowWaitersTest {

    private final ExecutorService threads = Executors.newCachedThreadPool();

    @AfterEach
    void stopThreads() throws InterruptedException {
        threads.shutdownNow();
        assertThat(threads.awaitTermination(30, TimeUnit.SECONDS)).isTrue();
    }

    /** A pool that hands out a connection at once, and checks the borrower was registered while it asked. */
    private static DataSource answering(BorrowWaiters waiters, Connection connection) {
        DataSource pool = mock(DataSource.class, invocation -> {
            if (invocation.getMethod().getName().equals("getConnection")) {
                assertThat(waiters.size()).as("waiters during the borrow").isPositive();
                return connection;
            }
            return null;
        });
        return pool;
    }

    /** A pool whose getConnection waits until the thread is interrupted, as HikariCP's does, then times out. */
    private static DataSource blocking(CountDownLatch entered) {
        return mock(DataSource.class, invocation -> {
            entered.countDown();
            try {
                Thread.sleep(TimeUnit.MINUTES.toMillis(5));
            } catch (InterruptedException e) {
                throw new SQLTransientConnectionException("interrupted during connection acquisition", "08001", e);
            }
            throw new SQLTransientConnectionException("timed out", "08001");
        });
    }

    @Test
    void aBorrowThatFinishesLeavesNoWaiterAndReusesItsSlot() throws Exception {
        BorrowWaiters waiters = new BorrowWaiters(1);
        Connection connection = mock(Connection.class);
        DataSource pool = answering(waiters, connection);

        for (int i = 0; i < 3; i++) {
            assertThat(waiters.borrow(pool)).isSameAs(connection);
            assertThat(waiters.size()).isZero();
        }
        assertThat(waiters.redirectAll("nothing waits")).isZero();
    }

    @Test
    void thePoolsFailurePassesThroughAndFreesTheSlot() {
        BorrowWaiters waiters = new BorrowWaiters(1);
        DataSource pool = mock(DataSource.class, invocation -> {
            throw new SQLException("refused", "08001");
        });

        org.assertj.core.api.Assertions.assertThatThrownBy(() -> waiters.borrow(pool))
                .isInstanceOf(SQLException.class)
                .hasMessage("refused");
        assertThat(waiters.size()).isZero();
    }

    @Test
    void aRedirectEndsEveryWaitIncludingThoseBeyondTheSlotsAndClearsTheInterrupt() throws Exception {
        int borrowers = 5;
        BorrowWaiters waiters = new BorrowWaiters(2); // three borrowers overflow
        CountDownLatch entered = new CountDownLatch(borrowers);
        DataSource pool = blocking(entered);
        List<Future<String>> outcomes = new ArrayList<>();
        for (int i = 0; i < borrowers; i++) {
            outcomes.add(threads.submit(() -> {
                try {
                    waiters.borrow(pool);
                    return "borrowed";
                } catch (BorrowWaiters.Redirected r) {
                    return r.getMessage() + (Thread.currentThread().isInterrupted() ? " (interrupt left set)" : "");
                }
            }));
        }
        assertThat(entered.await(60, TimeUnit.SECONDS)).isTrue();
        assertThat(waiters.size()).isEqualTo(borrowers);

        assertThat(waiters.redirectAll("the primary moved")).isEqualTo(borrowers);

        for (Future<String> outcome : outcomes) {
            assertThat(outcome.get(60, TimeUnit.SECONDS)).isEqualTo("the primary moved");
        }
        await().atMost(Duration.ofSeconds(30)).until(() -> waiters.size() == 0);
    }

    @Test
    void aConnectionThatArrivesAfterTheRedirectIsGivenBack() throws Exception {
        BorrowWaiters waiters = new BorrowWaiters(1);
        Connection late = mock(Connection.class);
        CountDownLatch inPool = new CountDownLatch(1);
        CountDownLatch redirected = new CountDownLatch(1);
        // The pool answers only after the redirect, ignoring the interrupt, as a borrow completing in that window.
        DataSource pool = mock(DataSource.class, invocation -> {
            inPool.countDown();
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
            while (System.nanoTime() < deadline) {
                try {
                    if (redirected.await(1, TimeUnit.SECONDS)) {
                        return late;
                    }
                } catch (InterruptedException redirectInterrupt) {
                    // the redirect's interrupt: this pool finishes the borrow regardless
                }
            }
            throw new SQLTransientConnectionException("the test never redirected", "08001");
        });
        CompletableFuture<Throwable> outcome = CompletableFuture.supplyAsync(
                () -> {
                    try {
                        waiters.borrow(pool);
                        return null;
                    } catch (Throwable t) {
                        return t;
                    }
                },
                threads);
        assertThat(inPool.await(60, TimeUnit.SECONDS)).isTrue();
        assertThat(waiters.redirectAll("no longer the primary")).isEqualTo(1);
        redirected.countDown();

        assertThat(outcome.get(60, TimeUnit.SECONDS))
                .isInstanceOf(BorrowWaiters.Redirected.class)
                .hasMessage("no longer the primary");
        verify(late).close();
        assertThat(waiters.size()).isZero();
    }
}
