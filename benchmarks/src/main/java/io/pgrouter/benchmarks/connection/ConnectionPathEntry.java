package io.pgrouter.benchmarks.connection;

import io.pgrouter.benchmarks.Endpoints;
import io.pgrouter.benchmarks.Entry;
import io.pgrouter.benchmarks.RunContext;
import io.pgrouter.benchmarks.report.EntryReport;
import io.pgrouter.benchmarks.report.Table;
import io.pgrouter.testkit.ReplicaSet;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.openjdk.jmh.profile.GCProfiler;
import org.openjdk.jmh.results.Result;
import org.openjdk.jmh.results.RunResult;
import org.openjdk.jmh.runner.Runner;
import org.openjdk.jmh.runner.options.Options;
import org.openjdk.jmh.runner.options.OptionsBuilder;
import org.openjdk.jmh.runner.options.TimeValue;

/**
 * Entry 1: {@link ConnectionPathBenchmark} under JMH, with the stub driver and against a real primary and replica,
 * with the GC profiler for bytes allocated per operation.
 */
public final class ConnectionPathEntry implements Entry {

    private static final List<String> PATHS = List.of(
            ConnectionPathBenchmark.HIKARI,
            ConnectionPathBenchmark.PGROUTER_WRITE,
            ConnectionPathBenchmark.PGROUTER_READ,
            ConnectionPathBenchmark.SPRING_WRITE,
            ConnectionPathBenchmark.SPRING_READ,
            ConnectionPathBenchmark.PGJDBC_READ);
    private static final String CLOSE = "getConnectionClose";
    private static final String SELECT = "selectOne";

    /** One JMH result: mean, 99.9% confidence half-width, bytes allocated per operation. */
    private record Score(double mean, double error, double bytesPerOp) {}

    @Override
    public String name() {
        return "connection-path";
    }

    @Override
    public String title() {
        return "1. Connection path (JMH)";
    }

    @Override
    public void run(RunContext context, EntryReport report) throws Exception {
        Map<String, Score> scores = new HashMap<>();
        try (ReplicaSet cluster = context.startCluster(1)) {
            Endpoints endpoints = Endpoints.of(cluster);
            List<String> jvmArgs = new ArrayList<>(List.of(endpoints.asJvmArgs()));
            jvmArgs.add("-Xmx512m");
            jvmArgs.add("-Dorg.slf4j.simpleLogger.defaultLogLevel=warn");
            String[] forkArgs = jvmArgs.toArray(String[]::new);
            // Over the stub nothing waits on I/O: short iterations settle. Against the servers only SELECT 1
            // (getConnection+close
            // never reaches a server, the stub run covers it), with longer iterations: the loopback round trip is
            // noisy.
            context.log("JMH over the stub driver: %d paths x 2 operations", PATHS.size());
            collect(
                    new Runner(options(
                                    context,
                                    "stub",
                                    ".*",
                                    forkArgs,
                                    TimeValue.milliseconds(context.quick() ? 500 : 1000),
                                    TimeValue.milliseconds(context.quick() ? 500 : 2000)))
                            .run(),
                    scores);
            context.log("JMH against PostgreSQL: %d paths x SELECT 1", PATHS.size());
            collect(
                    new Runner(options(
                                    context,
                                    "postgres",
                                    SELECT,
                                    forkArgs,
                                    TimeValue.seconds(context.quick() ? 1 : 2),
                                    TimeValue.seconds(context.quick() ? 1 : 3)))
                            .run(),
                    scores);
        }
        report(scores, context, report);
    }

    private static Options options(
            RunContext context,
            String backend,
            String methods,
            String[] forkArgs,
            TimeValue warmup,
            TimeValue measurement) {
        return new OptionsBuilder()
                .include(ConnectionPathBenchmark.class.getName() + "\\." + methods + "$")
                .param("backend", backend)
                .forks(context.trials(2, 1))
                .warmupIterations(3)
                .warmupTime(warmup)
                .measurementIterations(5)
                .measurementTime(measurement)
                .threads(1)
                .addProfiler(GCProfiler.class)
                .jvmArgsAppend(forkArgs)
                .shouldFailOnError(true)
                .build();
    }

    private static void collect(Collection<RunResult> results, Map<String, Score> scores) {
        for (RunResult result : results) {
            String method = result.getParams().getBenchmark();
            method = method.substring(method.lastIndexOf('.') + 1);
            Result<?> primary = result.getPrimaryResult();
            double bytes = Double.NaN;
            for (Map.Entry<String, Result> secondary :
                    result.getSecondaryResults().entrySet()) {
                if (secondary.getKey().endsWith("gc.alloc.rate.norm")) {
                    bytes = secondary.getValue().getScore();
                }
            }
            scores.put(
                    key(
                            result.getParams().getParam("backend"),
                            result.getParams().getParam("path"),
                            method),
                    new Score(primary.getScore(), primary.getScoreError(), bytes));
        }
    }

    private static void report(Map<String, Score> scores, RunContext context, EntryReport report) {
        Table stub = report.table(
                "Stub driver (pools over a JDBC driver that does nothing): ns/op, one thread",
                "path",
                "getConnection+close ns/op",
                "± (99.9%)",
                "B/op",
                "getConnection+SELECT 1+close ns/op",
                "± (99.9%)",
                "B/op",
                "SELECT 1 path added vs hikari-primary (ns)");
        Score stubBase = scores.get(key("stub", ConnectionPathBenchmark.HIKARI, SELECT));
        for (String path : PATHS) {
            Score close = scores.get(key("stub", path, CLOSE));
            Score select = scores.get(key("stub", path, SELECT));
            stub.row(
                    path,
                    close.mean(),
                    close.error(),
                    close.bytesPerOp(),
                    select.mean(),
                    select.error(),
                    select.bytesPerOp(),
                    select.mean() - stubBase.mean());
            report.value("stub." + path + ".close.nsPerOp", close.mean());
            report.value("stub." + path + ".select.nsPerOp", select.mean());
            report.value("stub." + path + ".select.bytesPerOp", select.bytesPerOp());
        }
        Table real = report.table(
                "Real PostgreSQL (loopback), getConnection+SELECT 1+close: µs/op and ratio to raw "
                        + "HikariCP on the primary, one thread",
                "path",
                "µs/op",
                "± (99.9%)",
                "B/op",
                "ratio",
                "± (ratio)");
        Score realBase = scores.get(key("postgres", ConnectionPathBenchmark.HIKARI, SELECT));
        for (String path : PATHS) {
            Score select = scores.get(key("postgres", path, SELECT));
            double ratio = select.mean() / realBase.mean();
            double ratioError = ratio * Math.hypot(select.error() / select.mean(), realBase.error() / realBase.mean());
            real.row(path, select.mean() / 1000, select.error() / 1000, select.bytesPerOp(), ratio, ratioError);
            report.value("postgres." + path + ".select.nsPerOp", select.mean());
            report.value("postgres." + path + ".select.ratio", ratio);
            report.value("postgres." + path + ".select.ratioError", ratioError);
        }

        Score read = scores.get(key("postgres", ConnectionPathBenchmark.PGROUTER_READ, SELECT));
        double readRatio = read.mean() / realBase.mean();
        double readRatioError = readRatio * Math.hypot(read.error() / read.mean(), realBase.error() / realBase.mean());
        // A verdict only where the error bar allows one: noise on a shared 2-core machine can exceed 3% by far.
        Boolean within = readRatio + readRatioError <= 1.03
                ? Boolean.TRUE
                : readRatio - readRatioError > 1.03 ? Boolean.FALSE : null;
        report.goal(
                "pgrouter read path within 3% of raw HikariCP (real server, SELECT 1)",
                within,
                String.format(
                        Locale.ROOT,
                        "ratio %.3f ± %.3f%s",
                        readRatio,
                        readRatioError,
                        within == null ? " (error bar too wide to tell)" : ""));
        double addedRead = scores.get(key("stub", ConnectionPathBenchmark.PGROUTER_READ, SELECT))
                        .mean()
                - stubBase.mean();
        double addedWrite = scores.get(key("stub", ConnectionPathBenchmark.PGROUTER_WRITE, SELECT))
                        .mean()
                - stubBase.mean();
        report.goal(
                "at most 100 ns added on the stub (SELECT 1 path)",
                addedRead <= 100 && addedWrite <= 100,
                String.format(Locale.ROOT, "read +%.0f ns, write +%.0f ns", addedRead, addedWrite));
        double springStub = scores.get(key("stub", ConnectionPathBenchmark.SPRING_READ, SELECT))
                .mean();
        double springReal = scores.get(key("postgres", ConnectionPathBenchmark.SPRING_READ, SELECT))
                .mean();
        double pgrouterStub = scores.get(key("stub", ConnectionPathBenchmark.PGROUTER_READ, SELECT))
                .mean();
        report.goal(
                "read path faster than Spring's routing proxy",
                pgrouterStub < springStub,
                String.format(
                        Locale.ROOT,
                        "stub: %.0f vs %.0f ns; real: %.1f vs %.1f µs (pgrouter vs Spring)",
                        pgrouterStub,
                        springStub,
                        read.mean() / 1000,
                        springReal / 1000));

        report.note("hikari-primary: a HikariCP pool on the primary, the baseline. pgrouter-read and spring-read call "
                + "setReadOnly(true) before first use (their read intent) and land on the replica; pgjdbc-preferSecondary is "
                + "one HikariCP pool over a multi-host URL (its connections all go to the replica, chosen at connect time, "
                + "so its per-call cost is plain HikariCP's). Pools of 2 connections, all made at start.");
        report.note(
                "getConnection+close: pgrouter and Spring's LazyConnectionDataSourceProxy hand out a lazy connection "
                        + "and borrow nothing when it is never used, so they beat a pool there; the SELECT 1 column is the fair one.");
        report.note(
                "Stub run: pgrouter's pools get the stub's connections through DriverManager while its health probes "
                        + "(pgjdbc's Driver used directly) reach the real test kit servers, so the replica is eligible and the read "
                        + "path is the real one. B/op from JMH's -prof gc (gc.alloc.rate.norm).");
        report.note(String.format(
                Locale.ROOT,
                "JMH %s: %d fork(s), 3 warm-up and 5 measurement iterations of %s (stub) "
                        + "and %s (PostgreSQL); ± is JMH's 99.9%% confidence half-width; the ratio's ± combines both relative errors.",
                context.quick() ? "quick" : "full",
                context.trials(2, 1),
                context.quick() ? "0.5 s" : "2 s",
                context.quick() ? "1 s" : "3 s"));
    }

    private static String key(String backend, String path, String method) {
        return backend + "/" + path + "/" + method;
    }
}
