"""Entities of a pump's execution log (the dataset system:pump_execution:<pipe_id>).

    log.append(started(pipe_id, at, sync_type="full"))   # then completed(...) or failed(...)

Shapes as D:hub/documentation/operations/pump-execution.html gives them: "pump-started", then
"write-error:<entity_id>" entities, then "pump-completed" or "pump-failed" (entities_succeeded,
entities_failed, pump_started_location, reason_why_stopped); "pump-offset-set" on a reset. The
docs warn the log is not a stable public API; the fake keeps to the documented fields.
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import datetime
from typing import Any

from harness.fakes.sesam.pipes import WriteError

Entity = dict[str, Any]


def execution_dataset_id(pipe_id: str) -> str:
    return f"system:pump_execution:{pipe_id}"


def iso(moment: datetime) -> str:
    return moment.strftime("%Y-%m-%dT%H:%M:%S.%fZ")


def started(pipe_id: str, at: datetime, *, sync_type: str) -> Entity:
    return {
        "_id": "pump-started",
        "event_type": "pump-started",
        "start_time": iso(at),
        "sync_type": sync_type,
        "pump_definition": f"pump:{pipe_id}",
        "user": {"email": "talkqa@fake.sesam", "user_id": "talkqa@fake.sesam"},
    }


def ended(run: Mapping[str, Any], at: datetime, *, succeeded: int, failed: int) -> Entity:
    """pump-completed, the fields both end entities share; run is the pump-started version."""
    return {
        "_id": "pump-completed",
        "event_type": "pump-completed",
        "pump_definition": run["pump_definition"],
        "start_time": run["start_time"],
        "end_time": iso(at),
        "sync_type": run["sync_type"],
        "pump_started_location": run["_updated"],
        "retry_entities_exist": failed > 0,
        "entities_succeeded": succeeded,
        "entities_failed": failed,
    }


def failed(run: Mapping[str, Any], at: datetime, *, succeeded: int, reason: str) -> Entity:
    entity = ended(run, at, succeeded=succeeded, failed=0)
    entity.update(_id="pump-failed", event_type="pump-failed", reason_why_stopped=reason)
    return entity


def write_error(error: WriteError, at: datetime) -> Entity:
    entity_id = str(error.entity.get("_id", ""))
    return {
        "_id": f"write-error:{entity_id}",
        "event_type": "write-error",
        "error_code": 1,
        "event_time": iso(at),
        "retry_attempts": 0,
        "retryable": not error.dead,
        "resolved": False,
        "dead": error.dead,
        "entity": dict(error.entity),
        "exception": error.message,
        "original_exception": error.message,
    }


def offset_set(original: str | None, new: str, at: datetime) -> Entity:
    return {
        "_id": "pump-offset-set",
        "event_time": iso(at),
        "event_type": "pump-offset-set",
        "is_reset": new == "",
        "original_pipe_offset": original or "",
        "pipe_offset": new,
        "user": {"email": "talkqa@fake.sesam", "user_id": "talkqa@fake.sesam"},
    }
