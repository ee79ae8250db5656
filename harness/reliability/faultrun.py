"""One cell of the fault matrix: a fixed workload, a scripted fault, and the same run without it.

    run = FaultRun.start(driver, world, window)     # the workload: a linked pair edited, one new
    run.inject("Salesforce", "query", 2, "503")     # the next 2 calls to that route answer 503
    driver.run_cycle(); driver.run_cycle(); run.twin(spec, engine_factory, tmp)  # no fault

The twin replays the workload and the same number of cycles on a fresh pair of fakes, so
"ends as it would without the fault" compares with a real run, not with a guess. States are
compared by values (ids and stamps differ between worlds); a duplicate or a lost edit shows
as a difference in the sorted records.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, cast

from harness.dataflow import DataflowSpec
from harness.engine import EngineContext, RunReport, SyncEngine
from harness.fakes.faults import Fault, FaultKind, FaultPlan
from harness.fakes.http import FakeService
from harness.fakes.world import FakeWorld
from harness.qa.driver import ChecklistDriver
from harness.qa.evidence import ExchangeLog
from harness.qa.targets import Target
from harness.qa.window import EngineWindow
from harness.redact import Redactor
from harness.targets import MockTarget

RETRY_AFTER = 7.0  # seconds a scripted 429 asks for; the pauses must be exactly this
# The fault words a feature may use, and what each one scripts in the fakes.
FAULT_WORDS: Mapping[str, tuple[FaultKind, dict[str, Any]]] = {
    "429": (FaultKind.RATE_LIMITED, {"retry_after": RETRY_AFTER}),
    "503": (FaultKind.UNAVAILABLE, {}),
    "timeout": (FaultKind.TIMEOUT, {}),
    "reset": (FaultKind.RESET, {}),
    "expired-session": (FaultKind.SESSION_EXPIRED, {}),
    "UNABLE_TO_LOCK_ROW": (FaultKind.ROW_LOCKED, {}),  # Salesforce: 400 UNABLE_TO_LOCK_ROW
    "locked": (FaultKind.ROW_LOCKED, {}),  # Crmoffice: 409 problem "locked"
    "lost-response": (FaultKind.LOST_RESPONSE, {}),
}
# Values of the workload; none equals what a factory makes, so every edit is a change.
FIRST = {
    "FirstName": "Åse",
    "LastName": "Ødegård-fault",
    "MobilePhone": "+47 900 00 001",
    "Phone": "+47 900 00 002",
}
SECOND = {
    "FirstName": "Bjørn",
    "LastName": "Ærø-fault",
    "MobilePhone": "+47 900 00 003",
    "Phone": "+47 900 00 004",
}
EDITS = (("Crmoffice", "givenName", "Åsa Ødegård"), ("Salesforce", "MobilePhone", "+47 922 22 222"))
VOLATILE = frozenset(
    {
        "Id",
        "id",
        "CreatedDate",
        "SystemModstamp",
        "createdAt",
        "updatedAt",
        "object",
        "attributes",
        "deletedAt",
    }
)
EngineFactory = Callable[[EngineContext], SyncEngine]
State = dict[str, list[tuple[tuple[str, str], ...]]]
_TWINS: dict[tuple[int, int, int], Twin] = {}  # see FaultRun.twin


def run_workload(driver: ChecklistDriver) -> int:
    """A linked Contact edited in both systems and a new one; returns the cycles it ran."""
    driver.link(driver.create_source("Contact", dict(FIRST)))
    for system, prop, value in EDITS:
        driver.edit(system, prop, value)
    driver.create_source("Contact", dict(SECOND), role="other")
    return len(driver.cycles)


def end_state(driver: ChecklistDriver) -> State:
    """Both systems' records of the scenario as sorted value tuples (no ids, no stamps)."""
    seen = driver.observe()
    return {system: _rows(records.values()) for system, records in seen.records.items()}


def _rows(records: Any) -> list[tuple[tuple[str, str], ...]]:
    return sorted(
        tuple(sorted((k, str(v or "")) for k, v in r.items() if k not in VOLATILE)) for r in records
    )


@dataclass
class Twin:
    state: State
    reports: list[RunReport]


@dataclass
class FaultRun:
    driver: ChecklistDriver
    world: FakeWorld
    window: EngineWindow  # the driver's: a fault is armed only around the engine's cycles
    workload_cycles: int
    cell: dict[str, str] = field(default_factory=dict)
    plan: FaultPlan | None = None
    faulted_cycle: int = 0
    pauses_before: int = 0
    expected_fires: int = 0
    _fired: int = 0

    @classmethod
    def start(cls, driver: ChecklistDriver, world: FakeWorld, window: EngineWindow) -> FaultRun:
        return cls(driver, world, window, run_workload(driver))

    def inject(self, system: str, route: str, count: int, word: str) -> Fault:
        if word not in FAULT_WORDS:
            raise AssertionError(f"no fault {word!r}; known: {', '.join(FAULT_WORDS)}")
        kind, params = FAULT_WORDS[word]
        self.cell = {"side": system, "route": route, "fault": word, "count": str(count)}
        return self._script(system, route, kind, count, params)

    def inject_record_failure(self, system: str, route: str, reason: str) -> Fault:
        self.cell = {"side": system, "route": route, "fault": f"one record {reason}", "count": "1"}
        params = {"record_index": 0, "error_code": reason}
        return self._script(system, route, FaultKind.RECORD_FAILURE, 1, params)

    def _script(
        self, system: str, route: str, kind: FaultKind, count: int, params: dict[str, Any]
    ) -> Fault:
        service = self._service(system)
        known = sorted({r.name for r in service.routes})
        if route not in known:
            raise AssertionError(f"{system} has no route {route!r}; known: {', '.join(known)}")
        self.plan, self.expected_fires = service.faults, count
        self.faulted_cycle, self.pauses_before = (
            len(self.driver.cycles),
            len(self.driver.retry_pauses),
        )
        fault = Fault(kind, **params)
        armed = [False]

        def arm() -> None:  # on the engine's next cycle only, never on the checklist's reads
            if not armed[0]:
                armed[0] = True
                service.faults.inject(route, kind, times=count, **params)

        def disarm() -> None:  # what the engine did not meet must not hit a checklist read
            self._fired += service.faults.fired()
            service.faults.clear()

        self.window.keep(arm, disarm)
        return fault

    def _service(self, system: str) -> FakeService:
        services: dict[str, FakeService] = {
            "Salesforce": self.world.salesforce,
            "Crmoffice": self.world.crmoffice,
        }
        if system not in services:
            raise AssertionError(f"no system {system!r}; known: Salesforce, Crmoffice")
        return services[system]

    # --- what happened --------------------------------------------------------------------

    @property
    def fired(self) -> int:
        return self._fired

    @property
    def pauses(self) -> list[float]:
        return self.driver.retry_pauses[self.pauses_before :]

    @property
    def faulted_report(self) -> RunReport:
        if len(self.driver.cycles) <= self.faulted_cycle:
            raise AssertionError("no cycle ran after the fault was scripted")
        return self.driver.cycles[self.faulted_cycle].report

    def twin(self, spec: DataflowSpec, engine_factory: EngineFactory, tmp: Path) -> Twin:
        """The same workload and cycles on fresh fakes, no fault; the main run must be done.

        Every cell runs the same workload, so the twin of one is the twin of all: it is made
        once per engine and cycle count (fresh fakes start on the same clock, so it is exact).
        """
        cycles_after = len(self.driver.cycles) - self.workload_cycles
        key = (id(spec), id(engine_factory), cycles_after)
        if key not in _TWINS:
            _TWINS[key] = _run_twin(spec, engine_factory, tmp, cycles_after)
        return _TWINS[key]

    # --- checks -------------------------------------------------------------------------

    def check_fired(self) -> None:
        """A cell whose fault never fired did not run; it must not pass as green."""
        assert self.fired == self.expected_fires, (
            f"{self.cell}: {self.fired} of {self.expected_fires} scripted faults fired;"
            " (the rest were never met by the engine)"
        )

    def check_end_state(self, twin: Twin) -> None:
        state = end_state(self.driver)
        for system in ("Salesforce", "Crmoffice"):
            assert state[system] == twin.state[system], (
                f"{system} after the fault differs from the run without it:\n"
                f"  with the fault:    {state[system]}\n  without the fault: {twin.state[system]}"
            )
        # Absolute too, not only relative to the twin (an engine that duplicates does so in
        # both runs): each Contact is in Crmoffice exactly once. Values are the property rows'
        # business; here the twin comparison covers them, so a wrong mapping fails only there.
        names = sorted(dict(row).get("LastName", "") for row in state["Salesforce"])
        copies = sorted(dict(row).get("familyName", "") for row in state["Crmoffice"])
        assert names == copies, (
            f"Crmoffice does not hold each Salesforce Contact exactly once: Salesforce"
            f" LastNames {names}, Crmoffice familyNames {copies}"
        )
        last = self.driver.last_cycle.report
        assert not last.dead_letters, f"dead letters remain after the fault cleared: {last}"

    def check_outcome(self, outcome: str, twin: Twin) -> None:
        """outcome: "retried", "deferred <CODE>" or "dead-lettered <CODE>"."""
        report, base = self.faulted_report, twin.reports[self.faulted_cycle]
        verb, _, code = outcome.partition(" ")
        letters = [(d.code, d.retriable) for d in report.dead_letters]
        if verb == "retried":
            assert not letters, f"a retried fault left dead letters: {letters}"
            assert dict(report.flows) == dict(base.flows), (
                f"counts differ from the run without the fault: {report.flows} vs {base.flows}"
            )
            return
        wanted = {"deferred": (code, True), "dead-lettered": (code, False)}.get(verb)
        assert wanted is not None, f"unknown outcome {outcome!r}: retried, deferred, dead-lettered"
        assert letters == [wanted], f"expected dead letter {wanted}, the report has {letters}"
        count = "deferred" if verb == "deferred" else "dead_lettered"
        assert report.total(count) == 1, f"the report counts {report.total(count)} {count}"

    def check_pauses(self, expected: str) -> None:
        """expected: "none", "N backoff(s)", or the exact seconds, e.g. "7s, 7s"."""
        pauses = self.pauses
        if expected == "none":
            assert not pauses, f"the connectors paused {pauses}; expected no pause"
        elif "backoff" in expected:
            count = int(expected.split()[0])
            assert len(pauses) == count and all(0 < p <= 30 for p in pauses), (
                f"expected {count} backoff pauses (0-30 s), got {pauses}"
            )
        else:
            wanted = [float(part.strip().removesuffix("s")) for part in expected.split(",")]
            assert pauses == wanted, f"expected pauses of {wanted} s (Retry-After), got {pauses}"

    def table(self, twin: Twin | None) -> str:
        """The cell as a small CSV table for the report: the fault, what it did, vs. no fault."""
        report = self.faulted_report
        twin_report = twin.reports[self.faulted_cycle] if twin else None
        rows = [
            ["", "with the fault", "without it"],
            *[[k, v, ""] for k, v in self.cell.items()],
            ["faults fired", str(self.fired), "0"],
            ["retry pauses (s)", _floats(self.pauses), ""],
            *_count_rows(report, twin_report),
            ["dead letters (faulted cycle)", _letters(report), _letters(twin_report)],
            [
                "dead letters (last cycle)",
                _letters(self.driver.last_cycle.report),
                _letters(twin.reports[-1] if twin else None),
            ],
        ]
        out = io.StringIO()
        csv.writer(out).writerows(rows)
        return out.getvalue()


def _run_twin(
    spec: DataflowSpec, engine_factory: EngineFactory, tmp: Path, cycles_after: int
) -> Twin:
    with MockTarget() as target:
        exchanges = ExchangeLog(Redactor(target.secrets()))
        # cast: MockTarget.__exit__ is narrower than the Protocol's (*exc: object).
        twin = ChecklistDriver(
            cast(Target, target), spec, engine_factory, tmp / "twin.sqlite", exchanges
        )
        try:
            run_workload(twin)
            for _ in range(cycles_after):
                twin.run_cycle()
            return Twin(end_state(twin), [c.report for c in twin.cycles])
        finally:
            twin.close()


def _count_rows(report: RunReport, twin: RunReport | None) -> list[list[str]]:
    rows = [
        [f"{name} (faulted cycle)", str(report.total(name)), str(twin.total(name)) if twin else ""]
        for name in (
            "inserted",
            "updated_salesforce",
            "updated_crmoffice",
            "deferred",
            "dead_lettered",
        )
    ]
    for system in ("salesforce", "crmoffice"):
        base = _rw(twin.api_calls.get(system, {})) if twin else ""
        rows.append([f"{system} calls r/w", _rw(report.api_calls.get(system, {})), base])
    return rows


def _rw(calls: Mapping[str, int]) -> str:
    return f"{calls.get('read', 0)}/{calls.get('write', 0)}"


def _floats(values: Sequence[float]) -> str:
    return ", ".join(f"{v:g}" for v in values) or "none"


def _letters(report: RunReport | None) -> str:
    if report is None:
        return ""
    return (
        "; ".join(f"{d.code}{' (retriable)' if d.retriable else ''}" for d in report.dead_letters)
        or "none"
    )
