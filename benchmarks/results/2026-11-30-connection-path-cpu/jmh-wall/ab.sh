#!/bin/bash
# A/B of the connection path over the stub driver: the before and after jars take turns (same machine conditions),
# each a JMH run of selectOne for hikari-primary, pgrouter-write, pgrouter-read with the GC profiler.
ROUNDS=${ROUNDS:-4}
ENDPOINTS=$(cat endpoints.txt)
for i in $(seq 1 $ROUNDS); do
  for v in before after; do
    java -cp ${JAR_DIR:-.}/benchmarks-$v.jar org.openjdk.jmh.Main 'ConnectionPathBenchmark.selectOne$' \
      -p backend=stub -p path=hikari-primary,pgrouter-write,pgrouter-read \
      -f 1 -wi 4 -w 1s -i 6 -r 1s -t 1 -prof gc \
      -jvmArgsAppend "$ENDPOINTS -Xmx512m -Dorg.slf4j.simpleLogger.defaultLogLevel=warn" \
      -rf json -rff $v-$i.json > $v-$i.log 2>&1
    echo "$v-$i rc=$? $(date +%T) load $(cut -d' ' -f1 /proc/loadavg)" >> progress
  done
done
