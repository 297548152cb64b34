"""Peak memory of a process and every process it forks, sampled from /proc (Linux).

Owns: reading /proc/<pid>/status (VmHWM, VmRSS) and /proc/<pid>/smaps_rollup (Pss) of a process
tree and keeping the peaks. Does not own: starting or timing the process (bench/build_kb.py).

Why not only `ru_maxrss`: for a child reaped with wait4 it is the largest peak of that child *or*
of one of its own children, never their sum. A build whose forked indexer runs while the parent
renders pages uses both at once, so the tree's peak is sampled too: RSS summed over the tree
(counts pages shared after fork twice) and PSS summed (shares them out: the memory the tree really
holds). Samples miss spikes shorter than the sampling interval; VmHWM per process does not.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

PROC = Path("/proc")


def _kb_fields(path: Path, names: tuple[str, ...]) -> dict[str, int]:
    out: dict[str, int] = {}
    try:
        for line in path.read_text().splitlines():
            key, _, rest = line.partition(":")
            if key in names:
                out[key] = int(rest.split()[0])
    except (OSError, ValueError, IndexError):
        pass  # the process ended between listing and reading
    return out


def children(pid: int) -> list[int]:
    """Direct children of pid (every thread's children)."""
    out: list[int] = []
    try:
        for task in (PROC / str(pid) / "task").iterdir():
            try:
                out += [int(x) for x in (task / "children").read_text().split()]
            except OSError:
                continue
    except OSError:
        pass
    return out


def tree(pid: int) -> list[int]:
    """pid and all its descendants alive now."""
    out, todo = [], [pid]
    while todo:
        p = todo.pop()
        out.append(p)
        todo += children(p)
    return out


@dataclass
class TreeMemory:
    """Peaks of one process tree, in kB: each process's VmHWM, the summed RSS and PSS."""

    root: int
    hwm_kb: dict[int, int] = field(default_factory=dict)  # pid -> its peak RSS (kernel's high-water mark)
    names: dict[int, str] = field(default_factory=dict)
    sum_rss_kb: int = 0
    sum_pss_kb: int = 0
    samples: int = 0

    def sample(self, pss: bool = True) -> None:
        rss = pss_total = 0
        for p in tree(self.root):
            st = _kb_fields(PROC / str(p) / "status", ("VmHWM", "VmRSS"))
            if not st:
                continue
            if p not in self.names:
                try:
                    self.names[p] = (PROC / str(p) / "comm").read_text().strip()
                except OSError:
                    self.names[p] = "?"
            self.hwm_kb[p] = max(self.hwm_kb.get(p, 0), st.get("VmHWM", 0))
            rss += st.get("VmRSS", 0)
            if pss:
                pss_total += _kb_fields(PROC / str(p) / "smaps_rollup", ("Pss",)).get("Pss", 0)
        self.sum_rss_kb = max(self.sum_rss_kb, rss)
        self.sum_pss_kb = max(self.sum_pss_kb, pss_total)
        self.samples += 1

    def root_peak_mb(self) -> float:
        return self.hwm_kb.get(self.root, 0) / 1024

    def child_peak_mb(self) -> float:
        """The largest peak among the root's descendants (the forked indexer)."""
        return max((v for p, v in self.hwm_kb.items() if p != self.root), default=0) / 1024
