# Sourced by the load scripts (not run): puts a running gateway under a memory limit, as the
# Kubernetes manifests run it (k8s/overlays: a 512 MiB limit on the Sluice container), so that a
# benchmark can be run as deployed as well as unconstrained.
#
#   MEMORY_LIMIT=512M src/load/ingest-threads.sh
#
# limit_memory PID  moves the process into a new memory cgroup with MEMORY_LIMIT (a size as
#                   memory.max takes it: 512M, 1G) and does nothing when MEMORY_LIMIT is unset.
#                   cgroup v2 (the unified hierarchy with the memory controller) or v1 (the memory
#                   hierarchy); needs write access to it (root). The cgroup is removed on exit.
#
# Why it matters (docs/benchmarks.md, session 25): under a limit the kernel reclaims the
# database file's older page-cache pages and reuses them; without one, every page the database
# grows by takes a fresh page of memory, which on a virtual machine whose memory the host backs
# lazily costs far more than the copy into it.
#
# new_page_cache_cost DIR  prints new_page_cache_sys_s_per_gib=N: the system time of writing
#                   512 MiB to a new file in DIR (then deleted), per GiB. On the virtual machines
#                   here it moves with the machine's memory state, from 0.3 s into memory the host
#                   still backs to 2.4-3.2 s into memory it has taken back from the guest (which it
#                   does within about a minute of the guest freeing it); most of the checkpoint
#                   thread's kernel time follows it (docs/benchmarks.md, session 27). The scripts
#                   print it after their runs, so the runs themselves are not affected; compare
#                   runs at similar values.
new_page_cache_cost() {
  local seconds TIMEFORMAT=%S
  seconds=$( { time dd if=/dev/zero of="$1/page-cache-probe" bs=1M count=512 status=none; } 2>&1 )
  rm -f "$1/page-cache-probe"
  echo "new_page_cache_sys_s_per_gib=$(awk -v s="$seconds" 'BEGIN {printf "%.2f", s * 2}')"
}
MEMORY_CGROUP=
limit_memory() {
  local pid=$1 base=
  [ -n "${MEMORY_LIMIT:-}" ] || return 0
  if [ -f /sys/fs/cgroup/cgroup.controllers ] && grep -qw memory /sys/fs/cgroup/cgroup.controllers; then
    MEMORY_CGROUP=/sys/fs/cgroup/sluice-load-$$
    mkdir "$MEMORY_CGROUP"
    if [ ! -f "$MEMORY_CGROUP/memory.max" ]; then
      echo "the root cgroup does not hand the memory controller down: echo +memory > /sys/fs/cgroup/cgroup.subtree_control" >&2
      rmdir "$MEMORY_CGROUP"
      exit 1
    fi
    echo "$MEMORY_LIMIT" >"$MEMORY_CGROUP/memory.max"
  elif [ -d /sys/fs/cgroup/memory ]; then
    base=/sys/fs/cgroup/memory$(awk -F: '$2 == "memory" {print $3}' /proc/self/cgroup)
    MEMORY_CGROUP=${base%/}/sluice-load-$$
    mkdir "$MEMORY_CGROUP"
    # v1 takes bytes or a K/M/G suffix, as v2 does.
    echo "$MEMORY_LIMIT" >"$MEMORY_CGROUP/memory.limit_in_bytes"
  else
    echo "MEMORY_LIMIT needs a memory cgroup (v1 or v2) this user can create" >&2
    exit 1
  fi
  echo "$pid" >"$MEMORY_CGROUP/cgroup.procs"
  echo "memory_limit=$MEMORY_LIMIT cgroup=$MEMORY_CGROUP"
}

# Removes the cgroup once its process has exited (call after stopping the gateway).
unlimit_memory() {
  [ -n "$MEMORY_CGROUP" ] || return 0
  for _ in $(seq 1 100); do rmdir "$MEMORY_CGROUP" 2>/dev/null && return 0; sleep 0.05; done
  echo "could not remove $MEMORY_CGROUP" >&2
}
