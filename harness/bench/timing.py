"""Wall and CPU seconds of the timed parts of a phase, and nothing in between.

watch = Stopwatch()
with watch.running(): engine.run_cycle()
watch.wall_s, watch.cpu_s
"""

from __future__ import annotations

import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass


@dataclass
class Stopwatch:
    wall_s: float = 0.0
    # This process's CPU seconds: other load on a shared machine stretches wall time, not this.
    cpu_s: float = 0.0

    @contextmanager
    def running(self) -> Iterator[None]:
        wall, cpu = time.perf_counter(), time.process_time()
        try:
            yield
        finally:
            self.wall_s += time.perf_counter() - wall
            self.cpu_s += time.process_time() - cpu
