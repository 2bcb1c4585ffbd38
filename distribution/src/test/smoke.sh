#!/usr/bin/env bash
# Smoke test of the two release archives, run by `mvn verify` (distribution module, integration-test phase): each
# tar.gz unpacked into an empty folder, and the commands a user types first run through its bin/kms-agent from an
# unrelated working directory. The full install first (simulate, bench, hub), then the machine agent (no hub,
# simulator or benchmarks inside; run, ctl, status, doctor, products, gvlk). Argument: the module's target folder.
set -euo pipefail
target=$(cd "$1" && pwd)
work=$(mktemp -d "${TMPDIR:-/tmp}/kms-agent-smoke.XXXXXX")
trap 'rm -rf "$work"' EXIT
fail() { echo "smoke: FAILED: $*" >&2; exit 1; }
# lib/bundled-plugins.txt names exactly the families in plugins/ (their jars load first at start: BundledFamilies):
# the list is kept by hand beside distribution/pom.xml's plugin dependencies, which fill plugins/.
bundled_list_names_the_jars() {
  local listed shipped
  listed=$(sed 's/#.*//; s/^[[:space:]]*//; s/[[:space:]]*$//; /^$/d' "$1/lib/bundled-plugins.txt" | sort)
  shipped=$(ls "$1"/plugins/ | sed 's/-[0-9][^-]*\(-SNAPSHOT\)\{0,1\}\.jar$//' | sort)
  [ "$listed" = "$shipped" ] || fail "$2: lib/bundled-plugins.txt lists '$listed', plugins/ holds '$shipped'"
}

archive=$(ls "$target"/kms-agent-[0-9]*.tar.gz | head -n 1)
[ -f "$archive" ] || fail "no kms-agent-<version>.tar.gz in $target"
mkdir "$work/unpacked"
tar -xzf "$archive" -C "$work/unpacked"
home=$(ls -d "$work"/unpacked/kms-agent-*)
for path in bin/kms-agent bin/kms-agent.cmd lib plugins scenarios docs LICENSE README.md; do
  [ -e "$home/$path" ] || fail "the archive lacks $path"
done
[ "$(ls "$home"/plugins/*.jar | wc -l)" -eq 8 ] || fail "the archive does not hold the eight bundled plugins"
bundled_list_names_the_jars "$home" "the archive"
zip=${archive%.tar.gz}.zip
[ -f "$zip" ] || fail "no .zip beside the .tar.gz"

mkdir "$work/cwd"
cd "$work/cwd"
agent="$home/bin/kms-agent"

# Without a usable Java the launcher says so, instead of a shell error.
mkdir "$work/nojava"
for tool in sh dirname ls sed head; do ln -s "$(command -v "$tool")" "$work/nojava/$tool"; done
if JAVA_HOME=/nonexistent PATH="$work/nojava" "$agent" products > /dev/null 2> nojava.err; then
  fail "the launcher ran without Java"
fi
grep -q "Java" nojava.err || fail "the launcher's no-Java message does not say what is missing"

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

# The main job on a shipped scenario: the worked example's counts and the server's activation.
"$agent" simulate "$home/scenarios/worked-example.yaml" > simulate.txt 2> simulate.err || { cat simulate.err >&2; fail "simulate"; }
grep -q "count 13 of 25" simulate.txt || fail "simulate: the worked example does not reach count 13"
grep -q "Windows Server 2008 R2 Standard  ACTIVATED" simulate.txt || fail "simulate: the server never activated"
if "$agent" simulate "$home/scenarios/no-such-file.yaml" > /dev/null 2>&1; then fail "simulate accepted a missing file"; fi

# --- The machine agent ---------------------------------------------------------------------------------------
marchive=$(ls "$target"/kms-agent-machine-*.tar.gz | head -n 1)
[ -f "$marchive" ] || fail "no kms-agent-machine-<version>.tar.gz in $target"
# Unpacked where the path has a space, as an install under "/opt/kms agent" would be: the launcher passes the
# class-data archive's path as one argument.
mkdir "$work/machine agent"
tar -xzf "$marchive" -C "$work/machine agent"
home=$(ls -d "$work"/"machine agent"/kms-agent-machine-*)
for path in bin/kms-agent bin/kms-agent.cmd lib plugins conf/agent.yaml docs LICENSE README.md \
    docs/plugins/windows-server/README.md; do
  [ -e "$home/$path" ] || fail "the machine archive lacks $path"
done
# What the machine agent must not carry: the hub, its cluster and its OpenSSL, the dashboard's web stack, the simulator and
# the benchmarks.
# (The listing is read into a variable first: `ls | grep -q` under pipefail reads as "no match" whenever grep quits
# before ls has finished writing.)
bundled_list_names_the_jars "$home" "the machine archive"
machine_jars=$(ls "$home"/lib/)
for jar in hazelcast vertx-hazelcast vertx-web netty-tcnative-classes netty-tcnative-boringssl-static hub simulator bench; do
  if grep -q "^$jar-[0-9]" <<< "$machine_jars"; then fail "the machine agent's lib/ holds $jar"; fi
done
if grep -q "^tests-" <<< "$machine_jars"; then fail "the machine agent's lib/ holds the tests"; fi
libkb=$(du -sk "$home/lib" | cut -f1)
echo "smoke: machine agent lib/ is ${libkb} KB in $(ls "$home"/lib | wc -l) jars"
agent="$home/bin/kms-agent"
"$agent" products --json > mproducts.json || fail "machine agent: products"
grep -q '"id" : "office2013"' mproducts.json || fail "machine agent: products does not list office2013"
[ "$("$agent" gvlk "Windows Server 2022 Datacenter")" = "WX4NM-KYWYW-QJJR4-XV3QB-6VM33" ] || fail "machine agent: gvlk"
"$agent" status > mstatus.txt 2>&1 || { cat mstatus.txt >&2; fail "machine agent: status"; }
"$agent" doctor > mdoctor.txt 2>&1 || [ $? -le 1 ] || { cat mdoctor.txt >&2; fail "machine agent: doctor"; }
[ -s mdoctor.txt ] || fail "machine agent: doctor printed nothing"
for args in "simulate run" "hub run" "bench run" "help simulate"; do
  set +e; "$agent" $args > /dev/null 2> mcmd.err; rc=$?; set -e
  cmd=${args#help }; cmd=${cmd%% *}
  [ $rc -eq 2 ] || fail "machine agent: '$args' should be an unknown command (exit 2), got $rc"
  grep -q "'$cmd' is a command of the full install" mcmd.err \
    || fail "machine agent: '$args' is not refused as a command of the full install: $(cat mcmd.err)"
done
"$agent" --help > mhelp.txt
for cmd in run status doctor ctl products gvlk; do
  grep -q "^  $cmd " mhelp.txt || fail "machine agent: --help does not list $cmd"
done
if grep -qE "^  (simulate|hub|bench) " mhelp.txt; then fail "machine agent: --help lists a full-install command"; fi

# The class-data archive comes from a real run only: neither `run --help` nor a refused configuration makes it
# (each loads a tenth of the agent's classes, and every later start would use that archive).
"$agent" run --help > /dev/null
if "$agent" run --set dataDir="$work/data" --set bridge.port=70000 > /dev/null 2>&1; then
  fail "run accepted bridge.port=70000"
fi
"$agent" run --help > /dev/null
if ls "$home"/lib/ | grep -q '\.jsa$'; then
  fail "run --help or a refused configuration made a class-data archive: $(ls "$home"/lib/ | grep '\.jsa')"
fi

# Java 17 will not start with ArchiveClassesAtExit when it cannot load its runtime's base archive (-Xshare:off, or a
# runtime without one): such a run starts, and makes no archive.
KMSAGENT_JAVA_OPTS=-Xshare:off "$agent" run --set dataDir="$work/data-noshare" --set bridge.port=0 \
  > run0.out 2> run0.err &
daemon=$!
trap 'kill $daemon 2>/dev/null || true; rm -rf "$work"' EXIT
for _ in $(seq 1 120); do
  grep -q "bridge certificate SHA-256" run0.out 2>/dev/null && break
  kill -0 $daemon 2>/dev/null || { cat run0.out run0.err >&2; fail "run under -Xshare:off exited"; }
  sleep 0.5
done
kill -TERM $daemon
wait $daemon || true
grep -q "kms-agent: stopped" run0.out || { cat run0.out run0.err >&2; fail "run under -Xshare:off did not stop"; }
if ls "$home"/lib/ | grep -q '\.jsa'; then
  fail "run under -Xshare:off made a class-data archive: $(ls "$home"/lib/ | grep '\.jsa')"
fi

# The daemon, and ctl status against it over the TLS bridge.
"$agent" run --set dataDir="$work/data" --set bridge.port=0 --set metrics.enabled=true --set metrics.port=0 \
  > run.out 2> run.err &
daemon=$!
trap 'kill $daemon 2>/dev/null || true; rm -rf "$work"' EXIT
for _ in $(seq 1 120); do
  grep -q "bridge certificate SHA-256" run.out 2>/dev/null && break
  kill -0 $daemon 2>/dev/null || { cat run.err >&2; fail "run exited"; }
  sleep 0.5
done
port=$(sed -n 's/.*listening on 127.0.0.1:\([0-9]*\).*/\1/p' run.out)
fingerprint=$(sed -n 's/.*certificate SHA-256 \(.*\)/\1/p' run.out)
[ -n "$port" ] && [ -n "$fingerprint" ] || { cat run.out run.err >&2; fail "run printed no bridge address"; }
"$agent" ctl --agent "127.0.0.1:$port" --trust "$fingerprint" --token-file "$work/data/admin.token" status \
  > status.txt || { cat status.txt >&2; fail "ctl status"; }
grep -q "windows-client" status.txt || fail "ctl status does not list the simulated machine's product"
if "$agent" ctl --agent "127.0.0.1:$port" --trust "$fingerprint" status > /dev/null 2>&1; then
  fail "ctl without a token was let in"
fi
# The metrics endpoint answers from this install's lib/ (its HTTP server needs Netty codecs a trimmed lib/ could
# lose: an empty reply is the symptom).
mport=$(sed -n 's|.*metrics at http://127.0.0.1:\([0-9]*\)/metrics.*|\1|p' run.out)
[ -n "$mport" ] || { cat run.out >&2; fail "run printed no metrics address"; }
exec 3<>"/dev/tcp/127.0.0.1/$mport"
printf 'GET /metrics HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n\r\n' >&3
cat <&3 > metrics.txt
exec 3<&-
grep -q "^kmsagent_" metrics.txt || { head -c 500 metrics.txt >&2; fail "the metrics endpoint served no kmsagent_ figures"; }
kill -TERM $daemon
wait $daemon || true
grep -q "kms-agent: stopped" run.out || fail "run did not stop gracefully on SIGTERM"
# That real run's archive, named after the runtime that wrote it, is the one the next start uses.
"$agent" run --help > /dev/null
java_bin=$(readlink -f "$( { [ -n "${JAVA_HOME:-}" ] && [ -x "$JAVA_HOME/bin/java" ] && echo "$JAVA_HOME/bin/java"; } \
  || command -v java)")
java_home=$(dirname "$(dirname "$java_bin")")
runtime=$(sed -n 's/^JAVA_RUNTIME_VERSION="\([^"]*\)".*/\1/p' "$java_home/release")
jsa="$home/lib/kms-agent-run-$runtime.jsa"
[ -f "$jsa" ] || fail "a real run left no class-data archive $jsa: $(ls "$home/lib" | grep jsa || true)"
jsakb=$(du -k "$jsa" | cut -f1)
echo "smoke: class-data archive of a real run: ${jsakb} KB"
[ "$jsakb" -gt 8000 ] || fail "the class-data archive is only ${jsakb} KB: not made by a real run?"

# After a Java update the old archive is refused by the new JVM (silently): the new runtime's first real run makes its
# own, and the old one goes. The update is played by a Java home whose release file names another build and whose
# bin/java runs the same JVM.
updated="$work/java-updated"
mkdir -p "$updated/bin" "$updated/lib/server"
printf '#!/bin/sh\nexec "%s" "$@"\n' "$java_bin" > "$updated/bin/java"
# A runtime's own base archive beside it, as in every JDK: the launcher makes an archive only where there is one.
ln -s "$java_home/lib/server/classes.jsa" "$updated/lib/server/classes.jsa"
chmod +x "$updated/bin/java"
sed 's/^JAVA_RUNTIME_VERSION=.*/JAVA_RUNTIME_VERSION="99.0.1+7-smoke update"/' "$java_home/release" > "$updated/release"
JAVA_HOME="$updated" "$agent" run --set dataDir="$work/data" --set bridge.port=0 > run2.out 2> run2.err &
daemon=$!
for _ in $(seq 1 120); do
  grep -q "bridge certificate SHA-256" run2.out 2>/dev/null && break
  kill -0 $daemon 2>/dev/null || { cat run2.err >&2; fail "run on the updated Java exited"; }
  sleep 0.5
done
kill -TERM $daemon
wait $daemon || true
JAVA_HOME="$updated" "$agent" run --help > /dev/null
[ -f "$home/lib/kms-agent-run-99.0.1+7-smoke_update.jsa" ] \
  || fail "the updated Java's first real run made no archive of its own: $(ls "$home/lib" | grep jsa || true)"
[ ! -e "$jsa" ] || fail "the archive of the Java used before the update was kept beside the new one"

# A pending archive that a marked run's JVM did not finish writing is deleted, not kept: HotSpot writes the header,
# which starts with the magic, after the regions, so a JVM killed while it dumped leaves zeros there (or nothing),
# and every later JVM would silently not use such an archive. Played by another runtime version, as above.
cut="$work/java-cut"
mkdir -p "$cut/bin" "$cut/lib/server"
cp "$updated/bin/java" "$cut/bin/java"
ln -s "$java_home/lib/server/classes.jsa" "$cut/lib/server/classes.jsa"
sed 's/^JAVA_RUNTIME_VERSION=.*/JAVA_RUNTIME_VERSION="99.0.2+1"/' "$java_home/release" > "$cut/release"
cutjsa="$home/lib/kms-agent-run-99.0.2+1.jsa"
for left in nothing zeros; do
  if [ "$left" = nothing ]; then
    : > "$cutjsa.pending"
  else
    { head -c 8192 /dev/zero; printf 'the regions'; } > "$cutjsa.pending"
  fi
  : > "$cutjsa.pending.real"
  JAVA_HOME="$cut" "$agent" run --help > /dev/null
  [ ! -e "$cutjsa" ] || fail "a pending class-data archive with $left where its header belongs was kept"
  [ ! -e "$cutjsa.pending" ] && [ ! -e "$cutjsa.pending.real" ] \
    || fail "a pending class-data archive without its header was left in lib/: $(ls "$home/lib" | grep jsa || true)"
  [ -f "$home/lib/kms-agent-run-99.0.1+7-smoke_update.jsa" ] \
    || fail "a pending class-data archive without its header replaced the archive in use"
done

echo "smoke: passed"
