"""bench/proctree.py: the peaks of a process and of the child it forks, each its own, and of
the tree together."""

from __future__ import annotations

import subprocess
import sys
import time

from testkit.project import REPO

sys.path.insert(0, str(REPO / "bench"))
from proctree import TreeMemory  # noqa: E402

# The parent holds 40 MB, forks, and the child adds 120 MB of its own for a while.
SCRIPT = """
import os, time
parent = bytearray(40 << 20)
pid = os.fork()
if pid == 0:
    child = bytearray(120 << 20)
    time.sleep(1.5)
    os._exit(0)
os.waitpid(pid, 0)
"""


def test_the_forked_child_and_the_tree_are_measured_apart_from_the_parent():
    proc = subprocess.Popen([sys.executable, "-c", SCRIPT])
    mem = TreeMemory(proc.pid)
    while proc.poll() is None:
        mem.sample()
        time.sleep(0.05)
    assert 40 <= mem.root_peak_mb() < 120  # the parent never held the child's 120 MB
    assert mem.child_peak_mb() >= 120
    assert mem.sum_rss_kb / 1024 >= 160  # both at once
    assert mem.sum_pss_kb / 1024 >= 120 and mem.samples > 5
