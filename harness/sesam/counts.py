"""A cycle's pump outcomes -> RunReport: what the share pipes wrote, and what failed.

    report = run_report(started, finished, outcomes, flows)

A share pipe's sink dataset keeps what it wrote to its system (D:hub/documentation/connectors/
connector-contract.html): a new version whose `_previous` is null and that carries
`$generated_id` (the key the insert answered with) is an insert, a `_deleted` version a delete
seen, any other new version an update of that system. A share pipe two flows share (Customer
and Contact both into crmoffice-contacts) counts a version under the flow its `$origin`'s
namespace names (Talk's link to the record it came from), else under the pipe's first flow.
write-error entities in a run's execution log (D:hub/documentation/operations/
pump-execution.html) are dead letters: `dead` ones are given up on, the others are retried on
the next run (deferred). A failed pump is one dead letter carrying its last message.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from datetime import datetime
from typing import Any

from harness.engine.report import DeadLetterEntry, RunReport, Tally
from harness.sesam.naming import Role, TalkFlow
from harness.sesam.plan import update_count
from harness.sesam.runner import PumpOutcome

PUMP_FAILED = "pump-failed"
WRITE_ERROR = "write-error"
ERROR_CODE = re.compile(r"^(?P<code>[A-Z][A-Z0-9_]{2,}):")  # "REQUIRED_FIELD_MISSING: ..."


def run_report(
    started: datetime,
    finished: datetime,
    outcomes: Sequence[PumpOutcome],
    flows: Sequence[TalkFlow],
) -> RunReport:
    tally = Tally()
    writes: dict[str, int] = {}
    letters: list[DeadLetterEntry] = []
    for outcome in outcomes:
        letters.extend(_letters(outcome, tally))
        if outcome.success and outcome.pipe.role is Role.SHARE:
            _count_written(outcome, tally, writes, flows)
    return RunReport(
        started_at=started,
        finished_at=finished,
        flows=tally.freeze([flow.name for flow in flows]),
        api_calls={system: {"read": 0, "write": n} for system, n in writes.items()},
        dead_letters=tuple(letters),
    )


def _count_written(
    outcome: PumpOutcome, tally: Tally, writes: dict[str, int], flows: Sequence[TalkFlow]
) -> None:
    side = outcome.pipe.side
    if side is None:
        return
    for version in outcome.written:
        flow = _flow_of(version, flows) or outcome.pipe.flow.name
        tally.add(flow, _kind(version, update_count(side)))
    writes[side.system] = writes.get(side.system, 0) + len(outcome.written)


def _flow_of(version: dict[str, Any], flows: Sequence[TalkFlow]) -> str | None:
    """The flow whose origin side the version's `$origin` ("salesforce-contact:003…") names."""
    origin = version.get("$origin")
    if not isinstance(origin, str) or ":" not in origin:
        return None
    prefix = origin.split(":", 1)[0]
    return next((flow.name for flow in flows if flow.sides[0].prefix == prefix), None)


def _kind(version: dict[str, Any], update: str) -> str:
    if version.get("_deleted"):
        return "deleted_seen"
    if version.get("_previous") is None and version.get("$generated_id") is not None:
        return "inserted"
    return update


def system_error_code(message: str) -> str:
    """The target system's error code a write-error's message opens with, if any: a share
    pipe's write-error carries the system's answer ("STRING_TOO_LONG: FirstName: ...")."""
    match = ERROR_CODE.match(message)
    return match["code"] if match else ""


def _letters(outcome: PumpOutcome, tally: Tally) -> Iterable[DeadLetterEntry]:
    pipe = outcome.pipe
    if not outcome.success:
        tally.add(pipe.flow.name, "dead_lettered")
        yield DeadLetterEntry(
            pipe.node_id, pipe.flow.name, pipe.direction, PUMP_FAILED, outcome.message, 1, True
        )
    for error in outcome.write_errors:
        dead = bool(error.get("dead"))
        tally.add(pipe.flow.name, "dead_lettered" if dead else "deferred")
        message = str(error.get("original_exception") or error.get("exception") or "")
        yield DeadLetterEntry(
            ref=str(error.get("entity", {}).get("_id") or error.get("_id")),
            flow=pipe.flow.name,
            direction=pipe.direction,
            code=system_error_code(message) or WRITE_ERROR,
            message=message,
            attempts=int(error.get("retry_attempts") or 0) + 1,
            retriable=not dead,
        )
