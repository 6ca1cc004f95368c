#!/usr/bin/env bash
# Starts a command (the kernel's JVM, through cds-launch.sh) with the engine's OpenMP threads set to
# wait the way AELAB_OMP_WAIT says; install-kernel.sh puts it first in the kernelspec's argv.
#
#   omp-wait.sh COMMAND [ARGS...]      applies AELAB_OMP_WAIT, then replaces itself with COMMAND
#   omp-wait.sh --choose [STAT_FILE]   prints what auto would choose now, and why (STAT_FILE: default
#                                      /proc/stat; the tests pass files of their own)
#
# AELAB_OMP_WAIT (written into the kernelspec by install-kernel.sh; unset: nothing is changed):
#   sleep  OMP_WAIT_POLICY=PASSIVE: a waiting thread sleeps at once, and each hand-over between two
#          engine operations costs a wake-up (tens of microseconds in a virtual machine);
#   spin   GOMP_SPINCOUNT=1000: a waiting thread spins 1,000 rounds first, so most hand-overs skip
#          the wake-up: about 20% faster training on a quiet machine, but 13-18% slower beside one
#          busy process on 2 cores, where a spinning thread holds a core the thread it waits for
#          needs (GNU OpenMP's default, longer spin: 2-10 times slower there);
#   auto   (the installer's default) spin when no other process is running as the kernel starts,
#          else sleep: procs_running is read 10 times over about 0.1 s, and this script is one of
#          the running tasks, so a reading above 1 means another process is running; sleep when
#          that is so in at least half of the readings.
# OMP_WAIT_POLICY or GOMP_SPINCOUNT already set in the environment (say, in the shell that starts
# Jupyter) win over AELAB_OMP_WAIT. The choice changes speed only, never a result (the same work on
# the same threads), and holds for the kernel's life: OpenMP reads it once. docs/benchmarks.md,
# "Issue 23's levers, fourth round".
set -u

choose() {
  local stat="$1" readings=10 busy=0 i key value running
  [ -r "$stat" ] || { echo "omp-wait.sh: cannot read $stat" >&2; return 2; }
  for ((i = 0; i < readings; i++)); do
    running=""
    while read -r key value _; do
      if [ "$key" = procs_running ]; then running="$value"; break; fi
    done <"$stat"
    case "$running" in
      ''|*[!0-9]*) echo "omp-wait.sh: $stat has no procs_running line" >&2; return 2 ;;
    esac
    [ "$running" -gt 1 ] && busy=$((busy + 1))
    [ "$i" -lt $((readings - 1)) ] && sleep 0.01
  done
  if [ $((2 * busy)) -ge "$readings" ]; then
    echo "sleep: another process was running in $busy of $readings readings of $stat"
  else
    echo "spin: no other process was running in $((readings - busy)) of $readings readings of $stat"
  fi
}

if [ "${1:-}" = --choose ]; then
  choose "${2:-/proc/stat}"
  exit
fi
[ $# -ge 1 ] || { sed -n '5,6p' "$0" | sed 's/^# \{0,1\}/usage: /' >&2; exit 2; }

setting="${AELAB_OMP_WAIT-}"
if [ -z "$setting" ]; then
  :
elif [ -n "${OMP_WAIT_POLICY+set}${GOMP_SPINCOUNT+set}" ]; then
  echo "aelab-kernel: OMP_WAIT_POLICY=${OMP_WAIT_POLICY-(unset)} GOMP_SPINCOUNT=${GOMP_SPINCOUNT-(unset)}, set in" \
       "the kernel's environment, decide how OpenMP threads wait (AELAB_OMP_WAIT=$setting not applied)" >&2
else
  why="AELAB_OMP_WAIT=$setting"
  case "$setting" in
    sleep|spin) mode="$setting" ;;
    auto)
      choice="$(choose /proc/stat)" || choice="sleep: the readings failed"
      mode="${choice%%:*}"
      why="$why; $choice"
      ;;
    *) echo "omp-wait.sh: AELAB_OMP_WAIT=$setting is not a setting: use auto, sleep or spin" \
            "(environment/kernel/install-kernel.sh writes it; reinstall with one of these)" >&2
       exit 2 ;;
  esac
  if [ "$mode" = spin ]; then
    export GOMP_SPINCOUNT=1000
    echo "aelab-kernel: OpenMP threads spin briefly before they sleep (GOMP_SPINCOUNT=1000; $why)" >&2
  else
    export OMP_WAIT_POLICY=PASSIVE
    echo "aelab-kernel: OpenMP threads sleep while they wait (OMP_WAIT_POLICY=PASSIVE; $why)" >&2
  fi
fi
exec "$@"
