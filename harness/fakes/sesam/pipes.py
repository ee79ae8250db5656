"""What a caller gives FakeSesamNode: pipes, and the backend a pipe's pump runs.

    def collect(run: PumpRun) -> PumpResult:          # reads a system, since run.last_seen
        rows = crm.records("contacts")
        return PumpResult([{"_id": str(r["id"]), **r} for r in rows], last_seen="2026-01-05")
    PipeSpec("crmoffice-contacts-collect", collect)

A backend is a plain function of one run. A collect backend (no `sources`) reads its system
from `run.last_seen` on (None: from the beginning) and returns the entities it read plus its
new watermark. Any other backend gets `run.changes`, the latest version of every entity that
changed in its source (and dependency) datasets since it last ran, and may read any dataset
whole through `run.dataset(id)` (a hop, e.g. to a share dataset's `$generated_id`). What it
returns goes into its sink dataset, which keeps only real changes; a share backend writes to
its system and returns what it wrote (with `$generated_id` on an insert, as Talk's share pipes
store it). Raise PumpFailedError to fail the run with a message; return WriteError entries for
the records the target refused (they are logged as write-error entities, the run succeeds).
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

Entity = dict[str, Any]


class PumpFailedError(Exception):
    """Raised by a backend: the run fails and the pump's last-message is this message."""


@dataclass(frozen=True)
class WriteError:
    """One entity the sink's system refused: a write-error entity in the execution log."""

    entity: Mapping[str, Any]
    message: str
    dead: bool = False  # True: given up on (a dead letter), not retried on the next run


@dataclass(frozen=True)
class PumpRun:
    pipe_id: str
    last_seen: str | None  # the pump's last-seen (a collect backend's own watermark); None
    # on a first run and after a reset
    changes: Mapping[str, Sequence[Entity]]  # dataset id -> changed entities since last run
    started_at: datetime
    read_dataset: Callable[[str], list[Entity]] = field(repr=False, default=lambda _id: [])

    @property
    def full(self) -> bool:
        """A first run or a run after a reset: read everything."""
        return self.last_seen is None

    def changed(self) -> list[Entity]:
        """Every changed entity of every source, in source order."""
        return [entity for entities in self.changes.values() for entity in entities]

    def dataset(self, dataset_id: str) -> list[Entity]:
        """The latest version of every entity in a dataset (a hop, read whole)."""
        return self.read_dataset(dataset_id)


@dataclass(frozen=True)
class PumpResult:
    entities: Sequence[Mapping[str, Any]] = ()  # for the sink dataset; unchanged ones vanish
    last_seen: str | None = None  # a collect backend's new watermark (None: keep the old one)
    write_errors: Sequence[WriteError] = ()


Backend = Callable[[PumpRun], PumpResult]


def passthrough(run: PumpRun) -> PumpResult:
    """Copy every changed source entity to the sink: a transform that changes nothing."""
    return PumpResult(run.changed())


@dataclass(frozen=True)
class PipeSpec:
    id: str
    backend: Backend = passthrough
    enabled: bool = True
    sources: tuple[str, ...] = ()  # datasets it reads; () reads a system (a collect pipe)
    dependencies: tuple[str, ...] = ()  # datasets it hops to: their changes make it due too
    run_polls: int | None = 1  # status reads a run lasts; None: it never finishes
    schedule_interval: int | None = None  # seconds; None: runs only when started

    @property
    def sink(self) -> str:
        """The sink dataset; Sesam's default is a dataset with the pipe's id."""
        return self.id
