#!/bin/bash
# A/B in thread CPU time: the before and after jars take turns, ROUNDS times each.
ROUNDS=${ROUNDS:-10}
ENDPOINTS=$(cat endpoints.txt)
for i in $(seq ${FIRST:-1} $ROUNDS); do
  for v in before after; do
    java -cp ${JAR_DIR:-.}/benchmarks-$v.jar $ENDPOINTS -Xmx512m -Dorg.slf4j.simpleLogger.defaultLogLevel=warn \
      CpuTime.java hikari-primary pgrouter-write pgrouter-read > cpu/$v-$i.log 2>&1
    echo "$v-$i rc=$? $(date +%T) load $(cut -d' ' -f1 /proc/loadavg)" >> cpu/progress
  done
done
