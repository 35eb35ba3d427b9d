#!/usr/bin/env bash
# make bench: the load generator, JMH, heap per binding, GC pauses under churn and
# the end-to-end runs, sized for a 2-core machine (under ten minutes), then the
# report (bench/results/README.md, PNG plots) and the README's Benchmarks table.
# Needs root (Mininet), the jars (make build-bench) and make bench-deps.
# BENCH_SKIP_E2E=1 skips the Mininet part.
set -euo pipefail
cd "$(dirname "$(readlink -f "${BASH_SOURCE[0]}")")/.."
OUT=bench/results
JAR=bench/target/flowmasq-bench.jar
CTL=controller/target/flowmasq.jar
mkdir -p "$OUT"
rm -f "$OUT"/*.json "$OUT"/*.png
# the controller in the benchmark JVM logs warnings only (per-binding lines are DEBUG anyway). That JVM
# keeps the JVM's default collector (G1): the load generator shares it and allocates as much as the
# controller, and a concurrent collector would compete with both for the 2 cores (measured: 16 switches,
# 48.7k bindings/s with G1, 23.6k with Shenandoah). The controller's own collector is measured below,
# in a JVM of its own.
JAVA=(java -DFLOWMASQ_LOG_LEVEL=WARN)
t0=$(date +%s)
# other work on the machine skews every figure: record the load around the run
load_start=$(cut -d' ' -f1-3 /proc/loadavg)
if awk '{exit !($1 > 1.0)}' /proc/loadavg; then
  echo "warning: load average $load_start before the run: other work will skew the figures" >&2
fi

loadgen() { # name, then loadgen options
  local name=$1; shift
  echo "== loadgen $name"
  "${JAVA[@]}" -jar "$JAR" loadgen --warmup 8 --rounds 3 --seconds 3 --out "$OUT/loadgen-$name.json" "$@" >/dev/null
}
loadgen of13-1sw-throughput  --of 1.3 --switches 1  --mode throughput --window 64
loadgen of13-16sw-throughput --of 1.3 --switches 16 --mode throughput --window 16
loadgen of10-1sw-throughput  --of 1.0 --switches 1  --mode throughput --window 64
loadgen of10-16sw-throughput --of 1.0 --switches 16 --mode throughput --window 16
loadgen of13-1sw-latency     --of 1.3 --switches 1  --mode latency
loadgen of10-1sw-latency     --of 1.0 --switches 1  --mode latency

echo "== GC pauses while 100k bindings churn (controller jar in its own JVM)"
for gc in shenandoah g1 zgc; do
  opts="-DFLOWMASQ_LOG_LEVEL=WARN"
  [ "$gc" = shenandoah ] && opts="$opts -XX:+UseShenandoahGC"
  [ "$gc" = g1 ] && opts="$opts -XX:+UseG1GC"
  [ "$gc" = zgc ] && opts="$opts -XX:+UseZGC"
  "${JAVA[@]}" -jar "$JAR" loadgen --of 1.3 --switches 1 --warmup 10 --rounds 4 --seconds 5 \
    --max-table 100000 --controller "$CTL" --java-opts "$opts" --gc-log "/tmp/flowmasq-bench-gc-$gc.log" \
    --label "churn 100k $gc" --out "$OUT/gc-churn-$gc.json" >/dev/null 2>&1
done

echo "== heap per binding"
"${JAVA[@]}" -Djdk.attach.allowAttachSelf=true -jar "$JAR" memory --counts 100000,1000000 \
  --out "$OUT/memory.json" >/dev/null 2>&1

echo "== JMH"
"${JAVA[@]}" -jar "$JAR" jmh -f 1 -wi 5 -w 1 -i 3 -r 1 -jvmArgsAppend -DFLOWMASQ_LOG_LEVEL=WARN \
  -p filtering=apdf -rf json -rff "$OUT/jmh.json" \
  'PacketInBenchmark|PortAllocationBenchmark|BindingLookupBenchmark' >/dev/null

if [ "${BENCH_SKIP_E2E:-0}" != 1 ]; then
  echo "== end to end (Mininet, Open vSwitch userspace datapath)"
  /usr/bin/python3 mininet/bench_e2e.py --out "$OUT/e2e.json" 2>&1 | grep '^\[' || true
fi

printf '{"load_before": "%s", "load_after": "%s", "seconds": %d}\n' \
  "$load_start" "$(cut -d' ' -f1-3 /proc/loadavg)" "$(( $(date +%s) - t0 ))" > "$OUT/run.json"
echo "== report"
/usr/bin/python3 bench/report.py --results "$OUT" --readme README.md
echo "make bench: $(( $(date +%s) - t0 )) s"
