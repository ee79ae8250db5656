"""JSON bodies of the fake node: pipes, pumps and errors, shaped as sesamclient reads them.

    pipe_json(pump, now)   # {"_id", "type", "config": {"original", "effective"}, "runtime"}
    pump_json(pump, now)   # {"_id": "pump:<pipe>", "type": "pump", "runtime": {...}}

The Pipe shape is swagger_public.yaml's (datanav/docs hub/swagger_public.yaml, definitions
Pipe and PipeConfig): `config.effective` has source, sink and pump, which sesamclient's
Pipe.source_dataset_id / sink_dataset_id read. The swagger leaves Pump an open object; its
runtime keys are the ones sesamclient's Pump reads (see pump.py). Error bodies are not in the
public docs: sesamclient only reads the status (and, for 400, "doesn't support the operation").
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from harness.fakes.http import FakeResponse
from harness.fakes.sesam.pipes import PipeSpec
from harness.fakes.sesam.pump import FakePump


def pipe_json(pump: FakePump, now: datetime) -> dict[str, Any]:
    config = pipe_config(pump.spec)
    return {
        "_id": pump.spec.id,
        "type": "pipe",
        "config": {"original": config, "effective": config},
        "runtime": pump.runtime(now),
    }


def pump_json(pump: FakePump, now: datetime) -> dict[str, Any]:
    return {"_id": f"pump:{pump.spec.id}", "type": "pump", "runtime": pump.runtime(now)}


def pipe_config(spec: PipeSpec) -> dict[str, Any]:
    pump: dict[str, Any] = (
        {"mode": "manual"}
        if spec.schedule_interval is None
        else {"schedule_interval": spec.schedule_interval}
    )
    return {
        "_id": spec.id,
        "type": "pipe",
        "source": _source(spec),
        "sink": {"type": "dataset", "dataset": spec.sink},
        "pump": pump,
    }


def _source(spec: PipeSpec) -> dict[str, Any]:
    if not spec.sources:
        return {"type": "rest", "system": f"{spec.id}-system"}
    if len(spec.sources) == 1:
        return {"type": "dataset", "dataset": spec.sources[0]}
    return {"type": "merge", "version": 2, "datasets": list(spec.sources)}


def error(status: int, message: str, headers: dict[str, str] | None = None) -> FakeResponse:
    return FakeResponse(status, {"status": status, "message": message}, dict(headers or {}))


def unauthorized(reason: str, *, token_sent: bool) -> FakeResponse:
    """401 per RFC 6750: no error code when no token was sent, invalid_token otherwise."""
    challenge = 'Bearer realm="sesam"'
    if token_sent:
        challenge += f', error="invalid_token", error_description="{reason}"'
    return error(401, reason, {"WWW-Authenticate": challenge})
