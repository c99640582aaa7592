#!/usr/bin/env bash
# Installs what the tests need and runs every test project. Ends with one line: "N passed, M failed".
# Needs: the .NET 10 SDK on PATH (https://dot.net). Nothing else: the tests start their own upstreams, key servers
# and gateways on 127.0.0.1 and generate their keys at run time.
set -uo pipefail
cd "$(dirname "$0")/.."

if ! command -v dotnet >/dev/null 2>&1; then
  echo "error: the .NET 10 SDK (dotnet) is not on PATH; install it, then run this again" >&2
  exit 2
fi

export DOTNET_CLI_TELEMETRY_OPTOUT=1 DOTNET_NOLOGO=1 DOTNET_SKIP_FIRST_TIME_EXPERIENCE=1

log=$(mktemp)
trap 'rm -f "$log"' EXIT

dotnet build Gateway.sln -c Release 2>&1 | tail -n 3
build=${PIPESTATUS[0]}
if [ "$build" -ne 0 ]; then
  dotnet build Gateway.sln -c Release 2>&1 | grep -E "error" | sort -u | head -n 50
  echo "0 passed, 1 failed"
  exit 1
fi

dotnet test Gateway.sln -c Release --no-build 2>&1 | tee "$log"
rc=${PIPESTATUS[0]}

# Sum the per-project summaries: "Passed!  - Failed:     0, Passed:    71, Skipped: ..."
read -r passed failed < <(grep -E '^(Passed|Failed)!' "$log" | sed -E 's/.*Failed: *([0-9]+), Passed: *([0-9]+).*/\2 \1/' \
  | awk '{p+=$1; f+=$2} END {print p+0, f+0}')
projects=$(grep -cE '^(Passed|Failed)!' "$log")
expected=$(ls tests/*/*.csproj | wc -l)
if [ "$projects" -ne "$expected" ] && [ "$failed" -eq 0 ]; then
  echo "error: $projects of $expected test projects reported results" >&2
  failed=1
  rc=1
fi
if [ "$rc" -ne 0 ] && [ "$failed" -eq 0 ]; then
  failed=1
fi
echo "$passed passed, $failed failed"
exit "$rc"
