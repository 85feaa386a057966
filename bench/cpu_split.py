"""Where the machine's CPU time goes during a benchmark, read from /proc (Linux): per kind of process.

The kinds: the `consult serve` processes, the PostgreSQL backends serving the benchmark's database, the
rest of PostgreSQL (WAL writer, checkpointer, other databases' backends), the load generator (this
process), and everything else the machine ran (the total busy time less those).
"""

from __future__ import annotations

import os
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path

PROC = Path("/proc")
TICKS = os.sysconf("SC_CLK_TCK")


def process_seconds(pid: int) -> float:
    """User + system CPU seconds of one process, all its threads; 0 once it is gone."""
    try:
        fields = (PROC / str(pid) / "stat").read_text().rsplit(")", 1)[1].split()
    except (FileNotFoundError, ProcessLookupError):
        return 0.0
    return (int(fields[11]) + int(fields[12])) / TICKS  # utime, stime (fields 14 and 15 of stat)


def preemptions(pid: int) -> int:
    """How often the kernel took the CPU from the process's threads while they could still run."""
    try:
        status = (PROC / str(pid) / "status").read_text()
    except (FileNotFoundError, ProcessLookupError):
        return 0
    return sum(int(line.split()[1]) for line in status.splitlines() if line.startswith("nonvoluntary_ctxt_switches"))


def busy_seconds() -> float:
    """CPU seconds the whole machine spent busy (all cores): the first line of /proc/stat less idle and iowait."""
    values = [int(v) for v in (PROC / "stat").read_text().split("\n", 1)[0].split()[1:]]
    return (sum(values[:8]) - values[3] - values[4]) / TICKS


def postgres_processes(database: str | None) -> tuple[list[int], list[int]]:
    """PostgreSQL's processes on this machine: (backends of `database`, every other one)."""
    ours: list[int] = []
    others: list[int] = []
    for entry in PROC.iterdir():
        if not entry.name.isdecimal():
            continue
        try:
            title = (entry / "cmdline").read_bytes().replace(b"\0", b" ").decode(errors="replace")
            comm = (entry / "comm").read_text().strip()
        except (FileNotFoundError, ProcessLookupError, PermissionError):
            continue
        if comm == "postgres" or title.startswith("postgres"):
            (ours if database and f" {database} " in title else others).append(int(entry.name))
    return ours, others


@dataclass(frozen=True)
class Snapshot:
    """CPU seconds so far: per process of each kind, and the whole machine's busy time."""

    per_process: dict[str, dict[int, float]]
    machine: float
    server_preemptions: int = 0


KINDS = ("servers", "backends", "postgres_other", "load")


def snapshot(servers: Iterable[int], database: str | None) -> Snapshot:
    ours, others = postgres_processes(database)
    pids = {"servers": list(servers), "backends": ours, "postgres_other": others, "load": [os.getpid()]}
    per_process = {kind: {pid: process_seconds(pid) for pid in pids[kind]} for kind in KINDS}
    return Snapshot(per_process, busy_seconds(), sum(map(preemptions, pids["servers"])))


def split(before: Snapshot, after: Snapshot, seconds: float) -> dict[str, float]:
    """Cores used on average per kind between two snapshots (1.0 = one core busy all the time).

    A process is counted by the difference of its own times, so one that started in between counts from
    its start (a pool's new connection), and the many other processes of the machine are not summed one by one.
    """
    used = {kind: sum(spent - before.per_process[kind].get(pid, 0.0) for pid, spent in after.per_process[kind].items())
            / seconds for kind in KINDS}
    used["machine"] = (after.machine - before.machine) / seconds
    used["everything_else"] = used["machine"] - sum(used[kind] for kind in KINDS)
    return {kind: round(value, 2) for kind, value in used.items()}
