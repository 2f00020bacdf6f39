#!/bin/bash
# A/B over the stub: jars take turns, each a JMH run of selectOne with the GC profiler.
# usage: ROUNDS=n FORKS=2 ITER=10 ab.sh outdir benchmarks-before.jar benchmarks-after.jar  (endpoints.txt from HoldCluster.java)
OUT=$1; shift
mkdir -p $OUT
ROUNDS=${ROUNDS:-3}
PATHS=${PATHS:-hikari-primary,pgrouter-read,pgrouter-write,spring-read,spring-write}
E=$(cat endpoints.txt)
for i in $(seq 1 $ROUNDS); do
  for jar in "$@"; do
    v=$(basename $jar .jar)
    java -cp $jar org.openjdk.jmh.Main 'ConnectionPathBenchmark.selectOne$' \
      -p backend=stub -p path=$PATHS \
      -f ${FORKS:-1} -wi 3 -w 1s -i ${ITER:-5} -r 1s -t 1 -prof gc \
      -jvmArgsAppend "$E -Xmx512m -Dorg.slf4j.simpleLogger.defaultLogLevel=warn" \
      -rf json -rff $OUT/$v-$i.json > $OUT/$v-$i.log 2>&1
    echo "$v-$i rc=$? $(date +%T) load $(cut -d' ' -f1-3 /proc/loadavg)" >> $OUT/progress
  done
done
