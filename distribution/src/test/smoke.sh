#!/usr/bin/env bash
# Smoke test of the assembled installation, run by `mvn verify` (distribution module, integration-test phase):
# the commands a user types first, through the real bin/kms-agent script, from an unrelated working directory.
set -euo pipefail
home=$(cd "$1" && pwd)
work=$(mktemp -d "${TMPDIR:-/tmp}/kms-agent-smoke.XXXXXX")
trap 'rm -rf "$work"' EXIT
cd "$work"
agent="$home/bin/kms-agent"
fail() { echo "smoke: FAILED: $*" >&2; exit 1; }

# products --json on the built tree prints the four families with their application ids.
"$agent" products --json > products.json
for id in windows-client windows-server office2010 office2013; do
  grep -q "\"id\" : \"$id\"" products.json || fail "products --json does not list $id"
done
for app in 55c92734-d682-4d71-983e-d6ec3f16059f 59a52881-a989-479d-af46-f275c6370663 0ff1ce15-a989-479d-af46-f275c6370663; do
  grep -q "$app" products.json || fail "products --json lacks application id $app"
done
[ "$("$agent" gvlk "Windows Server 2022 Datacenter")" = "WX4NM-KYWYW-QJJR4-XV3QB-6VM33" ] || fail "gvlk"
if "$agent" products --family no-such-family >/dev/null 2>&1; then fail "unknown family accepted"; fi

# The benchmark harness, quick variant, so that it cannot rot.
"$agent" bench --quick > bench.txt 2> bench.err || { cat bench.err >&2; fail "bench --quick"; }
grep -q "^BENCHMARK" bench.txt || fail "bench printed no table"

echo "smoke: passed"
