#!/usr/bin/env bash
# CPU time per request of each server process under the same saturating wrk load (one token, 32 connections), in
# alternating rounds: bare YARP, and the gateway with its audit to a file, to stdout (/dev/null) and off, all with
# requests on the socket's I/O thread (Listen.Scheduling inline, the gateway's default); then bare YARP and the gateway
# (audit to a file) with ASP.NET Core's thread-pool hand-off. Each gateway's CPU ratio is to the YARP with the same
# scheduling. On a shared, noisy machine this is steadier than requests per second (benchmarks/README.md).
# Pinned like compare.sh: wrk on CPU 0; the upstream and the servers on CPU 1. Linux only (reads /proc).
# usage: benchmarks/scripts/cpu-per-request.sh [ROUNDS] [SECONDS]      (defaults 6 and 8; the first round is warm-up)
set -euo pipefail
root=$(cd "$(dirname "$0")/../.." && pwd)
cd "$root"
rounds=${1:-6}; secs=${2:-8}
command -v wrk >/dev/null || { echo "needs wrk (apt-get install wrk)" >&2; exit 2; }
work=$(mktemp -d)
pids=()
cleanup() { for p in "${pids[@]}"; do kill "$p" 2>/dev/null || true; done; wait 2>/dev/null || true; rm -rf "$work"; }
trap cleanup EXIT

dotnet build src/Gateway -c Release --nologo -v q >/dev/null
dotnet build benchmarks/BareYarp -c Release --nologo -v q >/dev/null
export DOTNET_TC_CallCountingDelayMs=0
pin=""; pin_load=""
if command -v taskset >/dev/null && [ "$(nproc)" -ge 2 ]; then pin="taskset -c 1"; pin_load="taskset -c 0"; fi

benchmarks/scripts/make-bench-config.sh "$work" 18080 18090 18081 >/dev/null
sed -i 's/"ServerTiming": true/"ServerTiming": false/' "$work/gateway.json"
token=$(dotnet src/Gateway/bin/Release/net10.0/Gateway.dll token --config "$work/gateway.json" \
  --sub spiffe://demo.local/ns/load/sa/probe --claim scope=orders.read)

yarp="dotnet benchmarks/BareYarp/bin/Release/net10.0/bareyarp.dll"
$pin $yarp upstream --listen 127.0.0.1:18081 --scheduling inline >/dev/null 2>&1 & up=$!; pids+=($up)
names=(); ports=(); procs=()
i=0
for scheduling in inline threadpool; do
  suffix=""; [ "$scheduling" = threadpool ] && suffix=-threadpool
  $pin $yarp proxy --config "$work/gateway.json" --listen 127.0.0.1:$((18082 + i)) --scheduling $scheduling >/dev/null 2>&1 & pids+=($!)
  names+=("yarp$suffix"); ports+=($((18082 + i))); procs+=($!)
  sinks="file stdout none"; [ "$scheduling" = threadpool ] && sinks="file"
  for sink in $sinks; do
    i=$((i + 1)); port=$((18080 + 100 * i)); admin=$((18090 + 100 * i))
    sed -e "s/127.0.0.1:18080/127.0.0.1:$port/" -e "s/127.0.0.1:18090/127.0.0.1:$admin/" -e "s/\"Sink\": \"file\"/\"Sink\": \"$sink\"/" \
      -e "s|\"Listen\": { |\"Listen\": { \"Scheduling\": \"$scheduling\", |" "$work/gateway.json" > "$work/gateway-$sink$suffix.json"
    grep -q "\"Scheduling\": \"$scheduling\"" "$work/gateway-$sink$suffix.json" || { echo "could not set Listen.Scheduling" >&2; exit 1; }
    $pin dotnet src/Gateway/bin/Release/net10.0/Gateway.dll run --config "$work/gateway-$sink$suffix.json" >/dev/null 2>&1 & pids+=($!)
    names+=("audit-$sink$suffix"); ports+=($port); procs+=($!)
    for _ in $(seq 1 60); do curl -sf "http://127.0.0.1:$admin/readyz" >/dev/null && break; sleep 0.5; done
  done
  i=$((i + 1))
done

ticks() { awk '{print $14 + $15}' "/proc/$1/stat"; }   # utime + stime, in clock ticks
hz=$(getconf CLK_TCK)
load() { $pin_load wrk -t1 -c32 -d"${2}s" -H "Authorization: Bearer $token" "http://127.0.0.1:$1/orders/42" | awk '/Requests\/sec/ {print $2}'; }
for k in "${!ports[@]}"; do load "${ports[$k]}" 15 >/dev/null; done   # JIT tiering, pools

results="$work/results.txt"
for r in $(seq 1 "$rounds"); do
  line="round $r"
  for k in "${!ports[@]}"; do
    p0=$(ticks "${procs[$k]}"); u0=$(ticks $up)
    rps=$(load "${ports[$k]}" "$secs")
    p1=$(ticks "${procs[$k]}"); u1=$(ticks $up)
    line+=" | ${names[$k]} $rps $((p1 - p0)) $((u1 - u0))"
  done
  echo "$line"
  [ "$r" -gt 1 ] && echo "$line" >> "$results"
done

# Per target: mean rps, server and upstream CPU µs per request, and the CPU ratio (upstream included) to the YARP with
# the same scheduling.
awk -F' \\| ' -v hz="$hz" -v secs="$secs" '
  { for (i = 2; i <= NF; i++) { split($i, f, " "); n[f[1]]++; rps[f[1]] += f[2];
      us[f[1]] += f[3] * 1e6 / hz / (f[2] * secs); up[f[1]] += f[4] * 1e6 / hz / (f[2] * secs); order[i] = f[1] } }
  END {
    printf "%-24s %9s %14s %12s %9s\n", "target", "rps", "server us/req", "upstream", "CPU ratio"
    for (i = 2; i in order; i++) { t = order[i]; b = (t ~ /-threadpool$/) ? "yarp-threadpool" : "yarp"
      y = (us[b] + up[b]) / n[b]
      printf "%-24s %9.0f %14.1f %12.1f %9.3f\n", t, rps[t] / n[t], us[t] / n[t], up[t] / n[t], y / ((us[t] + up[t]) / n[t]) }
  }' "$results"
