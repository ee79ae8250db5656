"""One pipe's pump in the fake node: start, run for a few status reads, then run the backend.

    pump.start(now)            # is-running: true; a "pump-started" entity in the execution log
    pump.poll(now)             # each status read counts; the last one runs the backend
    pump.runtime(now)          # the runtime JSON sesamclient's Pump and Pipe read

Asynchrony is counted in status reads, not clock time: a run lasts spec.run_polls reads of the
pipe or its pump (GET /pipes/{id} or /pipes/{id}/pump) after the start, so a test is exact and
never waits. The read that ends the run runs the backend first and then answers, so it already
shows is-running false with success and last-message. run_polls None (or hang_next) never ends.
"""

from __future__ import annotations

import json
import traceback
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from harness.fakes.sesam import execution
from harness.fakes.sesam.dataset import FakeDataset
from harness.fakes.sesam.pipes import PipeSpec, PumpFailedError, PumpResult, PumpRun

DatasetLookup = Callable[[str], FakeDataset]
SUPPORTED_OPERATIONS = ("start", "enable", "disable", "update-last-seen")


@dataclass
class _Script:
    fail: str | None = None  # the run fails with this message, the backend is not called
    hang: bool = False  # the run never finishes


class FakePump:
    def __init__(self, spec: PipeSpec, datasets: DatasetLookup) -> None:
        self.spec = spec
        self.enabled = spec.enabled
        self._datasets = datasets
        self.log = datasets(execution.execution_dataset_id(spec.id))
        self.offsets = dict.fromkeys((*spec.sources, *spec.dependencies), 0)
        self.watermark: str | None = None
        self.running = False
        self.remaining: int | None = None
        self.success: bool | None = None
        self.last_message = ""
        self.last_run: datetime | None = None
        self.runs = 0
        self._started: dict[str, Any] | None = None
        self._scripts: list[_Script] = []

    # --- scripting -------------------------------------------------------------------------

    def fail_next(self, message: str, times: int = 1) -> None:
        self._scripts.extend(_Script(fail=message) for _ in range(times))

    def hang_next(self) -> None:
        self._scripts.append(_Script(hang=True))

    # --- operations ------------------------------------------------------------------------

    def start(self, now: datetime) -> bool:
        """Start a run; False when one is already running (the API answers 409)."""
        if self.running:
            return False
        script = self._scripts[0] if self._scripts else _Script()
        self.running = True
        self.remaining = None if script.hang else self.spec.run_polls
        sync_type = "full" if self._is_full() else "incremental"
        self.log.append(execution.started(self.spec.id, now, sync_type=sync_type))
        self._started = self.log.get("pump-started")
        return True

    def poll(self, now: datetime) -> None:
        """One status read: a running pump gets one read closer to its end."""
        if not self.running or self.remaining is None:
            return
        self.remaining -= 1
        if self.remaining <= 0:
            self._finish(now)

    def update_last_seen(self, value: str, now: datetime) -> None:
        original = self._last_seen()
        if value == "":
            self.watermark = None
            self.offsets = dict.fromkeys(self.offsets, 0)
        elif self.spec.sources:
            self.offsets = dict.fromkeys(self.offsets, int(value) + 1)
        else:
            self.watermark = value
        self.log.append(execution.offset_set(original, value, now))

    # --- a run -----------------------------------------------------------------------------

    def _finish(self, now: datetime) -> None:
        script = self._scripts.pop(0) if self._scripts else _Script()
        started, self._started = self._started or {}, None
        self.running, self.remaining = False, None
        self.last_run, self.runs = now, self.runs + 1
        if script.fail is not None:
            self._failed(started, now, script.fail)
            return
        marks = {ds: self._datasets(ds).end for ds in self.offsets}
        try:
            result = self.spec.backend(self._run(now))
        except PumpFailedError as error:
            self._failed(started, now, str(error))
            return
        except Exception as error:  # a backend crash is the run's failure, as on a node
            self._failed(started, now, f"{error!r}\n{traceback.format_exc(limit=3)}")
            return
        self._completed(started, now, result, marks)

    def _run(self, now: datetime) -> PumpRun:
        changes = {ds: self._datasets(ds).changes_since(at) for ds, at in self.offsets.items()}
        return PumpRun(
            self.spec.id,
            self._last_seen(),
            changes,
            now,
            read_dataset=lambda ds: self._datasets(ds).latest(),
        )

    def _completed(
        self, started: dict[str, Any], now: datetime, result: PumpResult, marks: dict[str, int]
    ) -> None:
        self._datasets(self.spec.sink).extend(result.entities)
        for error in result.write_errors:
            self.log.append(execution.write_error(error, now))
        written, refused = len(result.entities), len(result.write_errors)
        self.log.append(execution.ended(started, now, succeeded=written, failed=refused))
        self.offsets.update(marks)
        self.watermark = result.last_seen or self.watermark
        self.success = True
        self.last_message = f"Pump completed: {written} written, {refused} failed"

    def _failed(self, started: dict[str, Any], now: datetime, reason: str) -> None:
        self.log.append(execution.failed(started, now, succeeded=0, reason=reason))
        self.success = False
        self.last_message = reason.splitlines()[0] if reason else "Pump failed"

    # --- what the API shows ----------------------------------------------------------------

    def runtime(self, now: datetime) -> dict[str, Any]:
        """The runtime keys sesamclient's Pump reads, plus the swagger Pipe runtime's."""
        return {
            "state": "Deployed",
            "is-running": self.running,
            "is-disabled": not self.enabled,
            "is-valid-config": True,
            "config-errors": [],
            "queues": self._queues(),
            "dependencies": list(self.spec.dependencies),
            "last-seen": self._last_seen(),
            "success": self.success,
            "last-message": self.last_message,
            "last-original-error-message": None if self.success is not False else self.last_message,
            "last-run": _iso(self.last_run),
            "next-run": _iso(self._next_run(now)),
            "progress": {"processed": 0},
            "supported-operations": list(SUPPORTED_OPERATIONS),
            "execution-dataset": self.log.id,
        }

    def has_pending_work(self) -> bool:
        return any(self._datasets(ds).pending(at) > 0 for ds, at in self.offsets.items())

    def _queues(self) -> dict[str, Any]:
        """Pending versions per source and per dependency dataset; None where none apply."""
        return {
            "source": self._queue(self.spec.sources),
            "dependencies": self._queue(self.spec.dependencies),
        }

    def _queue(self, dataset_ids: tuple[str, ...]) -> dict[str, int] | None:
        if not dataset_ids:
            return None
        return {ds: self._datasets(ds).pending(self.offsets[ds]) for ds in dataset_ids}

    def _last_seen(self) -> str | None:
        if not self.spec.sources:
            return self.watermark
        seen = {ds: self.offsets[ds] - 1 for ds in self.spec.sources if self.offsets[ds] > 0}
        if not seen:
            return None
        if len(self.spec.sources) == 1:
            return str(next(iter(seen.values())))
        return json.dumps(seen, sort_keys=True)  # a merge source's offset is opaque

    def _is_full(self) -> bool:
        if not self.spec.sources:
            return self.watermark is None
        return all(self.offsets[ds] == 0 for ds in self.spec.sources)

    def _next_run(self, now: datetime) -> datetime | None:
        if not self.enabled or self.spec.schedule_interval is None:
            return None
        base = self.last_run or now
        return base + timedelta(seconds=self.spec.schedule_interval)


def _iso(moment: datetime | None) -> str | None:
    return None if moment is None else execution.iso(moment)
