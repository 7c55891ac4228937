#!/usr/bin/env bash
# The Slurm job array of docs/scaling-out.md on a real one-node Slurm
# cluster: installs Slurm from the Debian packages (slurm-wlm, munge) when
# missing, starts munged, slurmctld and slurmd with a minimal slurm.conf for
# this host, submits the documented array job and the dependent merge job
# (the two code blocks under "Slurm job array", taken from the page itself),
# waits, and checks that every file the merge wrote equals a single run's
# byte for byte.
#
# The documented run is ten shards of 10 million trials on 16 CPUs each;
# here it is four shards of a few thousand trials on one CPU each. Those
# are the only changes made to the page's text (each one checked to apply),
# so a page that drifts from what Slurm accepts fails this script.
#
# Exit status: 0 when the merged files equal the single run, or when Slurm
# could not be installed or started (then the output says SKIPPED and why:
# CI does not fail on a machine without Slurm); 1 when the jobs ran and the
# files differ, or a job failed.
#
# Usage: tests/slurm.sh [path/to/bcdr]   (default target/release/bcdr)
# SLURM_TEST_KEEP=1 keeps the cluster's folder (logs, results) for a look.
set -uo pipefail

ROOT=$(cd "$(dirname "$0")/.." && pwd)
BCDR=${1:-$ROOT/target/release/bcdr}
SHARDS=4
TRIALS=${SLURM_TEST_TRIALS:-4000}
DOC=$ROOT/docs/scaling-out.md

say() { echo "slurm: $*"; }
skip() {
  say "SKIPPED: $*"
  exit 0
}
fail() {
  say "FAILED: $*"
  exit 1
}

[ -x "$BCDR" ] || skip "no bcdr binary at $BCDR (run cargo build --release first)"
BCDR=$(cd "$(dirname "$BCDR")" && pwd)/$(basename "$BCDR")

# ---- install ----
if ! command -v slurmctld >/dev/null || ! command -v slurmd >/dev/null || ! command -v munged >/dev/null; then
  if [ "$(id -u)" != 0 ] || ! command -v apt-get >/dev/null; then
    skip "Slurm is not installed and this is not a root shell with apt-get"
  fi
  say "installing slurm-wlm and munge (apt-get)"
  export DEBIAN_FRONTEND=noninteractive
  if ! apt-get install -y -q slurm-wlm munge >/tmp/bcdr-slurm-apt.log 2>&1; then
    apt-get update -q >>/tmp/bcdr-slurm-apt.log 2>&1 || true
    apt-get install -y -q slurm-wlm munge >>/tmp/bcdr-slurm-apt.log 2>&1 ||
      skip "apt-get could not install slurm-wlm and munge (see /tmp/bcdr-slurm-apt.log)"
  fi
fi
[ "$(id -u)" = 0 ] || skip "starting slurmd needs root"
say "$(slurmctld -V)"

# ---- a one-node cluster ----
tmp=$(mktemp -d /tmp/bcdr-slurm.XXXXXX)
chmod 755 "$tmp"
pids=()
cleanup() {
  for pidfile in "$tmp/slurmd.pid" "$tmp/slurmctld.pid" "$tmp/munged.pid"; do
    if [ -s "$pidfile" ]; then
      kill "$(cat "$pidfile")" 2>/dev/null || true
    fi
  done
  sleep 1
  if [ -n "${SLURM_TEST_KEEP:-}" ]; then
    say "kept $tmp"
  else
    rm -rf "$tmp"
  fi
}
trap cleanup EXIT

# munged with its own socket, key and pid file, so nothing of a system
# munged (if there is one) is touched.
mkdir -p "$tmp/munge"
if [ -r /etc/munge/munge.key ]; then
  cp /etc/munge/munge.key "$tmp/munge/munge.key"
else
  dd if=/dev/urandom of="$tmp/munge/munge.key" bs=1 count=1024 2>/dev/null
fi
chmod 700 "$tmp/munge"
chmod 400 "$tmp/munge/munge.key"
socket=$tmp/munge/munge.socket
munged --force --key-file="$tmp/munge/munge.key" --socket="$socket" \
  --pid-file="$tmp/munged.pid" --log-file="$tmp/munged.log" \
  --seed-file="$tmp/munge/munge.seed" ||
  skip "munged did not start ($(tail -n 3 "$tmp/munged.log" 2>/dev/null))"

host=$(hostname -s)
cpus=$(nproc)
mkdir -p "$tmp/state" "$tmp/spool"
export SLURM_CONF=$tmp/slurm.conf
cat >"$SLURM_CONF" <<EOF
ClusterName=bcdrtest
SlurmctldHost=$host(127.0.0.1)
SlurmUser=root
SlurmdUser=root
AuthType=auth/munge
CredType=cred/munge
AuthInfo=socket=$socket
SlurmctldPort=16817
SlurmdPort=16818
StateSaveLocation=$tmp/state
SlurmdSpoolDir=$tmp/spool
SlurmctldPidFile=$tmp/slurmctld.pid
SlurmdPidFile=$tmp/slurmd.pid
SlurmctldLogFile=$tmp/slurmctld.log
SlurmdLogFile=$tmp/slurmd.log
ProctrackType=proctrack/linuxproc
TaskPlugin=task/none
SchedulerType=sched/backfill
SelectType=select/cons_tres
SelectTypeParameters=CR_Core
ReturnToService=2
MpiDefault=none
JobCompType=jobcomp/none
JobAcctGatherType=jobacct_gather/none
AccountingStorageType=accounting_storage/none
SlurmctldTimeout=30
SlurmdTimeout=30
NodeName=$host NodeAddr=127.0.0.1 CPUs=$cpus State=UNKNOWN
PartitionName=debug Nodes=$host Default=YES MaxTime=INFINITE State=UP
EOF

slurmctld -i -f "$SLURM_CONF" || skip "slurmctld did not start ($(tail -n 3 "$tmp/slurmctld.log" 2>/dev/null))"
slurmd -f "$SLURM_CONF" || skip "slurmd did not start ($(tail -n 3 "$tmp/slurmd.log" 2>/dev/null))"

up=""
for _ in $(seq 1 30); do
  state=$(sinfo -h -n "$host" -o %t 2>/dev/null | head -n 1)
  case "$state" in
    idle*|mix*|alloc*) up=yes; break ;;
  esac
  sleep 1
done
[ -n "$up" ] || skip "the node did not come up (sinfo: ${state:-nothing}; $(tail -n 3 "$tmp/slurmd.log" 2>/dev/null))"
say "one-node cluster up: $host, $cpus CPUs"

# ---- the documented jobs ----
# The two ```bash blocks under "**Slurm job array**": the sbatch script,
# then the submission.
extract() {
  awk -v want="$1" '
    /^\*\*Slurm job array\*\*/ { inside = 1; next }
    inside && /^\*\*/ { inside = 0 }
    inside && /^```bash$/ { block++; if (block == want) { copy = 1; next } }
    copy && /^```$/ { exit }
    copy { print }
  ' "$DOC"
}
work=$tmp/work
mkdir -p "$work/scenarios"
cp "$ROOT/scenarios/regional-bank.ron" "$work/scenarios/"
extract 1 >"$work/shards.doc"
extract 2 >"$work/submit.doc"
[ -s "$work/shards.doc" ] && [ -s "$work/submit.doc" ] ||
  fail "could not find the two bash blocks under **Slurm job array** in $DOC"

# Each change must apply exactly once.
change() {
  local file=$1 from=$2 to=$3
  [ "$(grep -cF -- "$from" "$file")" = 1 ] || fail "expected '$from' once in the page's $(basename "$file" .doc) block"
  FROM=$from TO=$to perl -0pi -e 's/\Q$ENV{FROM}\E/$ENV{TO}/' "$file"
}
cp "$work/shards.doc" "$work/shards.sbatch"
change "$work/shards.sbatch" "--array=0-9" "--array=0-$((SHARDS - 1))"
change "$work/shards.sbatch" "N=10 " "N=$SHARDS "
change "$work/shards.sbatch" "--cpus-per-task=16" "--cpus-per-task=1"
change "$work/shards.sbatch" "--trials 10000000" "--trials $TRIALS"
cp "$work/submit.doc" "$work/submit.sh"
change "$work/submit.sh" "partial-*-of-10.json" "partial-*-of-$SHARDS.json"

say "submitting (from $DOC, $SHARDS shards of $TRIALS trials in all):"
sed 's/^/    /' "$work/submit.sh"
(
  cd "$work" &&
    PATH=$(dirname "$BCDR"):$PATH bash -euo pipefail submit.sh
) || fail "the submission failed"

done=""
for _ in $(seq 1 600); do
  if [ -z "$(squeue -h 2>/dev/null)" ]; then
    done=yes
    break
  fi
  sleep 1
done
[ -n "$done" ] || fail "jobs still queued after 10 minutes: $(squeue 2>&1)"

# ---- compare with a single run ----
merged=$work/results/regional-bank
ls "$merged"/partial-*-of-$SHARDS.json >/dev/null 2>&1 || fail "no partials written ($(cat "$work"/logs/* 2>/dev/null | tail -n 5))"
[ -s "$merged/summary.json" ] || fail "the merge wrote no summary.json ($(cat "$work"/slurm-*.out 2>/dev/null | tail -n 5))"
# From where the jobs ran and with the same path: the reports quote the
# command that reproduces the run, which for the merge names the scenario
# as its --scenario gave it.
(cd "$work" && "$BCDR" run scenarios/regional-bank.ron --trials "$TRIALS" --seed 2025 --quiet --out single) ||
  fail "the single run failed"
compared=0
for f in "$merged"/*; do
  name=$(basename "$f")
  case "$name" in partial-*) continue ;; esac
  [ -f "$work/single/$name" ] || fail "$name was merged but not written by the single run"
  cmp -s "$f" "$work/single/$name" || fail "$name differs between the merged shards and a single run"
  compared=$((compared + 1))
done
[ "$compared" -gt 0 ] || fail "nothing to compare"
say "OK: $SHARDS shards on Slurm merged into $compared files, each byte-identical to a single run"
