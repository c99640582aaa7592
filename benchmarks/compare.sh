#!/usr/bin/env bash
# The perimeter's cost, measured: a fast upstream, bare YARP with the same routes (the floor), and the gateway with
# JWT validation and a 1,000-rule policy, all on 127.0.0.1, loaded by benchmarks/LoadTool in alternating rounds.
# Prints the figures and the budgets of shared/DESIGN.md as PASS/FAIL lines (INCONCLUSIVE for the p99 budget when two
# identical YARPs differ by more than the budget); writes every report under OUT. Exit code: 0 all budgets met,
# 1 one failed, 3 none failed but the p99 budget was inconclusive.
#
# usage: benchmarks/compare.sh [OUT_DIR]        (default: benchmarks/results/compare-<date>)
# env:   DURATION=8s WARMUP=3s ROUNDS=3 CONCURRENCY=32 RULES=1000 WRK=1 (cross-check with wrk when installed)
#        OPEN_ROUNDS=5 (rounds of the open-loop comparison), OPEN_CONNECTIONS=2*CONCURRENCY (its fixed connection pool)
#        PROCESS_WARMUP=20s (unmeasured saturating load on each target before the runs)
#        AUDIT_SINK=none (experiments: the gateway without its audit record; not the budget configuration)
#        UPSTREAM_CPU=0 (experiment: the upstream on the generator's CPU, so YARP and the gateway have CPU 1 to themselves)
#        SCHEDULING=inline (default): where requests run in bare YARP, the upstream and the gateway (Listen.Scheduling):
#        on the socket's I/O thread, the gateway's default. SCHEDULING=threadpool: ASP.NET Core's default hand-off, for all.
#        Both proxies always run the same scheduling, so the ratios measure identity, policy and audit, not the transport.
#        PIN=1 (default on machines with 2+ cores and taskset): the load generator on CPU 0, all servers on CPU 1, so
#        the generator's own CPU use is not charged to the targets and run-to-run variance drops.
set -euo pipefail
cd "$(dirname "$0")/.."
root=$PWD
out=${1:-$root/benchmarks/results/compare-$(date -u +%Y%m%d-%H%M)}
duration=${DURATION:-8s}; warmup=${WARMUP:-3s}; rounds=${ROUNDS:-3}; conc=${CONCURRENCY:-32}; rules=${RULES:-1000}
open_rounds=${OPEN_ROUNDS:-5}; open_conn=${OPEN_CONNECTIONS:-$((2 * conc))}
gw_port=18080; admin_port=18090; up_port=18081; yarp_port=18082; yarp2_port=18084
mkdir -p "$out"
work=$(mktemp -d)
pids=()
cleanup() { for p in "${pids[@]}"; do kill "$p" 2>/dev/null || true; done; wait 2>/dev/null || true; rm -rf "$work"; }
trap cleanup EXIT

echo "== build (Release)"
dotnet build src/Gateway -c Release --nologo -v q >/dev/null
dotnet build benchmarks/BareYarp -c Release --nologo -v q >/dev/null
dotnet build benchmarks/LoadTool -c Release --nologo -v q >/dev/null
pin_servers=""; pin_load=""; pin_upstream=""
if [ "${PIN:-1}" = 1 ] && command -v taskset >/dev/null && [ "$(nproc)" -ge 2 ]; then
  pin_servers="taskset -c 1"; pin_load="taskset -c 0"; pin_upstream="taskset -c 1"
  echo "== pinned: load generator on CPU 0, servers on CPU 1"
  if [ "${UPSTREAM_CPU:-}" = 0 ]; then   # experiment: the proxy under test alone on its core, the upstream with the generator
    pin_upstream="taskset -c 0"; echo "== experiment: the upstream on CPU 0 with the load generator"
  fi
fi
# Tiered JIT: by default call counting (the step before a hot method is recompiled optimized) waits until no new
# method has been compiled for 100 ms. Under saturating load that quiet moment rarely comes, and both YARP and the
# gateway then run partly unoptimized code for 25-50 s (measured: benchmarks/README.md). Every process here (YARP, the
# gateway, the upstream, the load tool) starts counting at once, so each reaches its steady state within seconds of
# load; this is also the setting recommended for the gateway in production (Dockerfile).
export DOTNET_TC_CallCountingDelayMs=0
gateway="$pin_servers dotnet src/Gateway/bin/Release/net10.0/Gateway.dll"
bareyarp="$pin_servers dotnet benchmarks/BareYarp/bin/Release/net10.0/bareyarp.dll"
scheduling=${SCHEDULING:-inline}
case "$scheduling" in inline|threadpool) ;; *) echo "SCHEDULING must be inline or threadpool"; exit 2;; esac
echo "== scheduling: $scheduling (bare YARP, the upstream and the gateway)"
loadtool="$pin_load dotnet benchmarks/LoadTool/bin/Release/net10.0/loadtool.dll"
loadtool_plain="dotnet benchmarks/LoadTool/bin/Release/net10.0/loadtool.dll"
wrk="$pin_load wrk"

echo "== config: $rules rules, 101 routes"
benchmarks/scripts/make-bench-config.sh "$work" $gw_port $admin_port $up_port "$rules"
sed -i 's/"ServerTiming": true/"ServerTiming": false/' "$work/gateway.json"
sed -i "s|\"Listen\": { |\"Listen\": { \"Scheduling\": \"$scheduling\", |" "$work/gateway.json"
grep -q "\"Scheduling\": \"$scheduling\"" "$work/gateway.json" || { echo "could not set Listen.Scheduling in the bench config"; exit 1; }
if [ -n "${AUDIT_SINK:-}" ]; then   # experiments only: e.g. AUDIT_SINK=none to see what the audit record costs
  sed -i "s/\"Sink\": \"file\"/\"Sink\": \"$AUDIT_SINK\"/" "$work/gateway.json"
  echo "== experiment: audit sink $AUDIT_SINK"
fi
$gateway validate --config "$work/gateway.json" >/dev/null
# The probe token is also wrk's, at the end of the run (25+ minutes with the defaults): it must outlive the run. The
# bench issuer accepts at most one hour (MaxTokenLifetime).
$gateway token --config "$work/gateway.json" --sub spiffe://demo.local/ns/load/sa/probe --claim scope=orders.read --ttl 59m > "$work/probe.token"

$pin_upstream dotnet benchmarks/BareYarp/bin/Release/net10.0/bareyarp.dll upstream --listen 127.0.0.1:$up_port --scheduling "$scheduling" & pids+=($!)
$bareyarp proxy --config "$work/gateway.json" --listen 127.0.0.1:$yarp_port --scheduling "$scheduling" & pids+=($!)
# A second, identical bare YARP: the open-loop comparison's control. What separates it from the first is noise (the
# machine, the scheduler, GC timing), so its difference says how small a latency difference this run can resolve.
$bareyarp proxy --config "$work/gateway.json" --listen 127.0.0.1:$yarp2_port --scheduling "$scheduling" & pids+=($!)
$gateway run --config "$work/gateway.json" > /dev/null 2> "$out/gateway.log" & pids+=($!)
for i in $(seq 1 60); do
  curl -sf "http://127.0.0.1:$admin_port/readyz" >/dev/null && curl -sf "http://127.0.0.1:$yarp_port/orders/1" >/dev/null \
    && curl -sf "http://127.0.0.1:$yarp2_port/orders/1" >/dev/null && break
  sleep 0.5
done
curl -sf -H "Authorization: Bearer $(cat "$work/probe.token")" "http://127.0.0.1:$gw_port/orders/1" >/dev/null \
  || { echo "gateway does not answer 200 to a valid token"; exit 1; }

ident=(--sign-key "$work/.dev/dev-signing-key.json" --issuer https://dev-issuer.gateway.local --audience gateway
       --trust-domain demo.local --subject 'spiffe://{td}/ns/load/sa/w{i}' --claim scope=orders.read --token-lifetime 50m)
targets=(--target upstream=http://127.0.0.1:$up_port --target yarp=http://127.0.0.1:$yarp_port --target gateway=http://127.0.0.1:$gw_port --baseline yarp)
common=(--path /orders/42 --warmup "$warmup" --duration "$duration" --rounds "$rounds" --quiet)
gen2() { curl -sf "http://127.0.0.1:$admin_port/metrics" | awk '/^gateway_gc_gen2_collections / {print $2}'; }
# The gateway's gen-2 GC count is read by the load tool before and after each of the gateway's measured phases (its
# warm-ups and the other targets' phases excluded): the budget is about the measured phases.
watch=(--watch-metric "gateway=http://127.0.0.1:$admin_port/metrics#gateway_gc_gen2_collections" --threshold 'watched(gateway) == 0')
watched() { awk -F, 'NR==1 {for (i=1;i<=NF;i++) if ($i=="watched_increase") c=i} $1=="gateway" {print $c}' "$1/report.csv"; }
rps() { awk -F, -v t="$2" 'NR==1 {for (i=1;i<=NF;i++) if ($i=="rps") c=i} $1==t {print $c}' "$1/report.csv"; }
status=0
run() { local name=$1; shift; echo "== $name"; if ! $loadtool run "$@" --report-dir "$out/$name"; then status=1; fi; }

echo "== process warm-up (${PROCESS_WARMUP:-20s} of saturating load on each in turn, not measured: JIT tiering, connection and buffer pools)"
for t in yarp=http://127.0.0.1:$yarp_port yarp2=http://127.0.0.1:$yarp2_port gateway=http://127.0.0.1:$gw_port; do
  $loadtool run --target "$t" --path /orders/42 --mode closed --concurrency "$conc" --warmup 0s --duration "${PROCESS_WARMUP:-20s}" \
    --quiet "${ident[@]}" --identities 10 >/dev/null
done
# The warm-up wrote about 250 MB of audit records; let the kernel write them back now, not during the first measured
# round (the dirty-page writeback had been suspected of a first-round dip in bare YARP's figures, runs Q-S).
sync

g0=$(gen2)
run saturation-warm "${targets[@]}" "${common[@]}" "${ident[@]}" --mode closed --concurrency "$conc" --identities 10 "${watch[@]}" \
  --threshold 'ratio(gateway,yarp) >= 0.90' --threshold 'errors(gateway) == 0'
run saturation-cold "${targets[@]}" "${common[@]}" "${ident[@]}" --mode closed --concurrency "$conc" --identities 2000 "${watch[@]}" \
  --threshold 'ratio(gateway,yarp) >= 0.70' --threshold 'errors(gateway) == 0'
g1=$(gen2)

yarp_rps=$(rps "$out/saturation-warm" yarp)
half=$(awk -v r="$yarp_rps" 'BEGIN {printf "%d", r / 2}')
# Open loop over a fixed pool of connections (wrk2's model; requests wait for a free one and are still timed from
# their intended send time). With an unbounded pool a stall of a few ms makes the client open hundreds of new
# connections, and accepting them on the servers' core turns the stall into a collapse of 100+ ms for either proxy
# (measured: benchmarks/README.md). The p99 budget is judged on the median over rounds of the paired per-round
# difference (robust to one round disturbed by the machine); the merged p99 difference is reported next to it, and
# yarp2 (identical to yarp) shows the noise floor.
p99_budget=0.5   # ms over bare YARP's p99 (shared/DESIGN.md)
open=(--mode open --rate "$half" --spin-us 0 --max-in-flight "$open_conn")
run open-half-rate --target yarp=http://127.0.0.1:$yarp_port --target yarp2=http://127.0.0.1:$yarp2_port --target gateway=http://127.0.0.1:$gw_port \
  --baseline yarp --path /orders/42 --warmup "$warmup" --duration "$duration" --rounds "$open_rounds" --quiet "${ident[@]}" "${open[@]}" \
  --identities 100 "${watch[@]}" --threshold 'errors(gateway) == 0' \
  --threshold 'failed(gateway) == 0'
run bad-credentials --target gateway=http://127.0.0.1:$gw_port "${common[@]}" "${ident[@]}" "${open[@]}" \
  --identities 100 --bad-percent 10 --forbidden-path /orders/admin/export --threshold 'bad_allowed == 0' "${watch[@]}"
g2=$(gen2)

# Where the time goes: a second gateway instance with Server-Timing on.
sed -e 's/"ServerTiming": false/"ServerTiming": true/' -e "s/127.0.0.1:$gw_port/127.0.0.1:18083/" -e "s/127.0.0.1:$admin_port/127.0.0.1:18093/" \
  "$work/gateway.json" > "$work/gateway-timing.json"
$gateway run --config "$work/gateway-timing.json" > /dev/null 2>> "$out/gateway.log" & pids+=($!)
for i in $(seq 1 60); do curl -sf "http://127.0.0.1:18093/readyz" >/dev/null && break; sleep 0.5; done
# A new process: warmed up like the others first, or its tier-0 code queues requests behind the connection pool and
# the stage table's tail shows JIT, not the stages (runs M and N: p99 73 and 122 ms, send lag p99 67 and 116 ms).
$loadtool run --target gateway=http://127.0.0.1:18083 --path /orders/42 --mode closed --concurrency "$conc" --warmup 0s \
  --duration "${PROCESS_WARMUP:-20s}" --quiet "${ident[@]}" --identities 10 >/dev/null
run stages --target gateway=http://127.0.0.1:18083 "${common[@]}" "${ident[@]}" "${open[@]}" --identities 100

# Every request fully validated (shared/DESIGN.md's second throughput figure): a third gateway with the validated-token
# cache off (TokenCache.MaxEntries 0), so each request pays the signature check and the claim checks. Measured twice:
# with the dev issuer's ES256 tokens, and with RS256 tokens from a second issuer whose key is made here (RSA-2048
# verifies several times faster than P-256 on x86). Reported, not gated: the issue's 0.70 budget is for 1,000+
# distinct tokens cycled (saturation-cold above).
$loadtool_plain keygen --alg RS256 --kid bench-rsa --private "$work/rsa-key.json" --jwks "$work/rsa-jwks.json" >/dev/null
rsa_issuer='{ "Name": "bench-rsa", "Issuer": "https://rsa-issuer.gateway.local", "Audiences": [ "gateway" ], "JwksFile": "rsa-jwks.json", "Algorithms": [ "RS256" ], "RequiredClaims": [ "jti" ], "TrustDomains": [ "demo.local" ], "MaxTokenLifetime": "01:00:00" }'
sed -e "s/127.0.0.1:$gw_port/127.0.0.1:18085/" -e "s/127.0.0.1:$admin_port/127.0.0.1:18095/" \
  -e 's/"Audit": {/"TokenCache": { "MaxEntries": 0 }, "Audit": {/' -e "s|\"Issuers\": \[ {|\"Issuers\": [ $rsa_issuer, {|" \
  "$work/gateway.json" > "$work/gateway-uncached.json"
grep -q '"MaxEntries": 0' "$work/gateway-uncached.json" || { echo "could not turn the token cache off"; exit 1; }
grep -q '"bench-rsa"' "$work/gateway-uncached.json" || { echo "could not add the RS256 issuer"; exit 1; }
$gateway validate --config "$work/gateway-uncached.json" >/dev/null
ident_rsa=(--sign-key "$work/rsa-key.json" --issuer https://rsa-issuer.gateway.local --audience gateway
       --trust-domain demo.local --subject 'spiffe://{td}/ns/load/sa/w{i}' --claim scope=orders.read --token-lifetime 50m)
$gateway run --config "$work/gateway-uncached.json" > /dev/null 2>> "$out/gateway.log" & pids+=($!)
for i in $(seq 1 60); do curl -sf "http://127.0.0.1:18095/readyz" >/dev/null && break; sleep 0.5; done
$loadtool run --target gateway-uncached=http://127.0.0.1:18085 --path /orders/42 --mode closed --concurrency "$conc" --warmup 0s \
  --duration "${PROCESS_WARMUP:-20s}" --quiet "${ident[@]}" --identities 10 >/dev/null
run saturation-uncached --target yarp=http://127.0.0.1:$yarp_port --target gateway-uncached=http://127.0.0.1:18085 --baseline yarp \
  "${common[@]}" "${ident[@]}" --mode closed --concurrency "$conc" --identities 10 --threshold 'errors(gateway-uncached) == 0'
run saturation-uncached-rs256 --target yarp=http://127.0.0.1:$yarp_port --target gateway-uncached=http://127.0.0.1:18085 --baseline yarp \
  "${common[@]}" "${ident_rsa[@]}" --mode closed --concurrency "$conc" --identities 10 --threshold 'errors(gateway-uncached) == 0'

if [ "${WRK:-1}" = 1 ] && command -v wrk >/dev/null; then
  echo "== wrk cross-check (closed loop, $conc connections, one token)"
  for t in yarp:$yarp_port gateway:$gw_port; do
    name=${t%%:*}; port=${t##*:}
    w=$($wrk -t1 -c"$conc" -d"$duration" -H "Authorization: Bearer $(cat "$work/probe.token")" "http://127.0.0.1:$port/orders/42")
    r=$(awk '/Requests\/sec/ {print $2}' <<< "$w")
    # wrk counts every response in its rate: refusals (an expired probe token, say) would make it a different figure.
    bad=$(awk '/Non-2xx or 3xx responses/ {print $NF}' <<< "$w")
    note=""; [ -n "$bad" ] && note=" INVALID: $bad responses were not 2xx"
    echo "wrk $name rps $r (loadtool saturation-warm: $(rps "$out/saturation-warm" "$name"))$note" | tee -a "$out/wrk.txt"
  done
fi

echo "== summary"
col() { awk -F, -v t="$2" -v k="$3" 'NR==1 {for (i=1;i<=NF;i++) if ($i==k) c=i} $1==t {print (c ? $c : "?")}' "$1/report.csv"; }
o="$out/open-half-rate"
echo "open loop p99 (ms): yarp $(col "$o" yarp p99_ms), yarp2 $(col "$o" yarp2 p99_ms), gateway $(col "$o" gateway p99_ms);" \
  "gateway - yarp: merged $(col "$o" gateway p99_diff_ms), median of rounds $(col "$o" gateway p99_diff_median_ms);" \
  "noise floor yarp2 - yarp: merged $(col "$o" yarp2 p99_diff_ms), median of rounds $(col "$o" yarp2 p99_diff_median_ms)" | tee "$out/p99.txt"
# The p99 budget, judged here rather than by a load-tool threshold: when two identical YARPs already differ by more
# than the budget, the run cannot resolve it either way, and says so (INCONCLUSIVE; exit code 3 if nothing failed,
# so CI can tell "cannot tell" from "failed").
inconclusive=0
floor=$(col "$o" yarp2 p99_diff_median_ms 2>/dev/null || echo "?")
diff=$(col "$o" gateway p99_diff_median_ms 2>/dev/null || echo "?")
if awk -v f="$floor" -v b="$p99_budget" 'BEGIN {exit !(f == "?" || f == "" || f > b || f < -b)}'; then
  echo "INCONCLUSIVE p99 budget (gateway - yarp <= $p99_budget ms, median of rounds: measured $diff ms): the noise floor (yarp2 - yarp) is $floor ms, wider than the budget; rerun on a quieter machine or with more OPEN_ROUNDS" | tee -a "$out/p99.txt"
  inconclusive=1
elif awk -v d="$diff" -v b="$p99_budget" 'BEGIN {exit !(d != "?" && d != "" && d <= b)}'; then
  echo "PASS p99 budget: gateway - yarp $diff ms <= $p99_budget ms (median of rounds; noise floor $floor ms)" | tee -a "$out/p99.txt"
else
  echo "FAIL p99 budget: gateway - yarp $diff ms > $p99_budget ms (median of rounds; noise floor $floor ms)" | tee -a "$out/p99.txt"
  status=1
fi
rm -f "$out/uncached.txt"
for alg in es256 rs256; do
  u="$out/saturation-uncached"; [ "$alg" = rs256 ] && u="$u-rs256"
  [ -f "$u/report.csv" ] && echo "every request fully validated (token cache off), ${alg^^}: gateway-uncached $(col "$u" gateway-uncached rps) rps vs yarp $(col "$u" yarp rps), ratio $(col "$u" gateway-uncached rps_ratio_vs_baseline) (shared/DESIGN.md: >= 0.70; reported, not gated: each request pays an ${alg^^} signature check)" | tee -a "$out/uncached.txt"
done
measured=""; total=0
for r in saturation-warm saturation-cold open-half-rate bad-credentials; do
  n=$(watched "$out/$r"); measured+=" $r ${n:-unknown}"; total=$((total + ${n:-1000000}))
done
echo "gen2 collections in the gateway during measured phases:$measured; over the whole session (warm-ups and the other targets' phases included): saturation $((g1 - g0)), open loop $((g2 - g1))" | tee "$out/gc.txt"
[ "$total" -eq 0 ] && echo "PASS no gen2 GC during measured phases" || { echo "FAIL gen2 GCs during measured phases:$measured"; status=1; }
for r in saturation-warm saturation-cold open-half-rate bad-credentials stages saturation-uncached saturation-uncached-rs256; do
  [ -f "$out/$r/report.md" ] && echo "report: $out/$r/report.md"
done
[ "$status" -eq 0 ] && [ "$inconclusive" -eq 1 ] && exit 3
exit $status
