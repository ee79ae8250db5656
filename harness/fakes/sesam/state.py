"""What the fake node holds: its pumps, its datasets, the JWTs it accepts, one lock.

state = NodeState(clock, pipes=[PipeSpec("a-collect", collect)], tokens={jwt})
state.dataset("a-collect").latest(); state.poll(state.pumps["a-collect"])
"""

from __future__ import annotations

import threading
from collections.abc import Iterable, Sequence
from datetime import datetime

from harness.clock import Clock
from harness.fakes.sesam.dataset import FakeDataset
from harness.fakes.sesam.pipes import PipeSpec
from harness.fakes.sesam.pump import FakePump


class NodeState:
    def __init__(self, clock: Clock, pipes: Sequence[PipeSpec], tokens: Iterable[str]) -> None:
        self.clock = clock
        self.lock = threading.RLock()
        self.tokens = set(tokens)
        self.revoked: set[str] = set()
        self.datasets: dict[str, FakeDataset] = {}
        self.pumps: dict[str, FakePump] = {}
        self.starts: list[str] = []  # pipe ids in the order their runs were started
        for spec in pipes:
            self.add(spec)

    def add(self, spec: PipeSpec) -> FakePump:
        if spec.id in self.pumps:
            raise ValueError(f"FakeSesamNode: pipe {spec.id!r} is defined twice")
        self.dataset(spec.sink)
        for dataset_id in (*spec.sources, *spec.dependencies):
            self.dataset(dataset_id)
        pump = FakePump(spec, self.dataset)
        self.pumps[spec.id] = pump
        return pump

    def dataset(self, dataset_id: str) -> FakeDataset:
        """The dataset, created empty on first use (a pipe's sink exists once it is deployed)."""
        with self.lock:
            if dataset_id not in self.datasets:
                self.datasets[dataset_id] = FakeDataset(dataset_id, self.clock)
            return self.datasets[dataset_id]

    def poll(self, pump: FakePump) -> datetime:
        """A status read of the pump: it may end the run; the time the answer is given."""
        now = self.clock.now()
        pump.poll(now)
        return now
