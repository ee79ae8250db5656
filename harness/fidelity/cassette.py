"""Cassettes in vcrpy's own YAML format, read and written through vcrpy's persister.

    cassette = read_cassette(Path("fixtures/cassettes/salesforce-rest/records.yaml"))
    write_cassette(path, cassette.interactions, {"recorded_at": "2026-01-05T09:00:00Z"})

vcrpy keeps each header as a list of values and bodies as text; here an interaction is plain
frozen data (first value of each header, bodies as bytes), so replay and checks need no vcrpy.
The optional `metadata` mapping is vcrpy's own cassette metadata (source pages, seed, time).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml
from vcr.persisters.filesystem import CassetteDecodeError, FilesystemPersister
from vcr.request import Request
from vcr.serializers import yamlserializer

from harness.fidelity.errors import CassetteError

CASSETTE_SUFFIXES = (".yaml", ".yml")


@dataclass(frozen=True)
class RecordedRequest:
    method: str
    uri: str
    headers: Mapping[str, str] = field(default_factory=dict)
    body: bytes = b""

    def header(self, name: str) -> str:
        return header(self.headers, name)


@dataclass(frozen=True)
class RecordedResponse:
    status: int
    reason: str = ""
    headers: Mapping[str, str] = field(default_factory=dict)
    body: bytes = b""

    def header(self, name: str) -> str:
        return header(self.headers, name)


def header(headers: Mapping[str, str], name: str) -> str:
    """A header's value whatever its case, "" when there is none."""
    wanted = name.lower()
    return next((v for k, v in headers.items() if k.lower() == wanted), "")


@dataclass(frozen=True)
class Interaction:
    request: RecordedRequest
    response: RecordedResponse


@dataclass(frozen=True)
class Cassette:
    path: Path
    interactions: tuple[Interaction, ...]
    metadata: Mapping[str, Any] = field(default_factory=dict)


def write_cassette(
    path: Path, interactions: Sequence[Interaction], metadata: Mapping[str, Any] | None = None
) -> None:
    cassette: dict[str, Any] = {
        "requests": [_vcr_request(i.request) for i in interactions],
        "responses": [_vcr_response(i.response) for i in interactions],
    }
    if metadata:
        cassette["metadata"] = dict(metadata)
    FilesystemPersister.save_cassette(path, cassette, serializer=yamlserializer)


def read_cassette(path: Path) -> Cassette:
    """The cassette at path; CassetteError (naming the file) when it is not one."""
    try:
        loaded = FilesystemPersister.load_cassette(path, serializer=yamlserializer)
        requests, responses, *rest = loaded
        interactions = tuple(
            Interaction(_request(r), _response(s)) for r, s in zip(requests, responses, strict=True)
        )
    except (CassetteDecodeError, yaml.YAMLError, UnicodeDecodeError) as error:
        raise CassetteError(f"{path} is not a readable YAML file: {_first_line(error)}") from None
    except FileNotFoundError:
        raise CassetteError(f"{path} is empty or missing; a cassette holds interactions") from None
    except (KeyError, TypeError, ValueError, AttributeError) as error:
        raise CassetteError(
            f"{path} is not a vcrpy cassette (version 1: interactions of request and"
            f" response): {_first_line(error)}"
        ) from None
    metadata = rest[0] if rest and isinstance(rest[0], Mapping) else {}
    return Cassette(path, interactions, metadata)


def cassette_paths(target: Path) -> list[Path]:
    """The cassette files a path names: itself, or every *.yaml / *.yml below a folder."""
    if target.is_file():
        return [target]
    if not target.is_dir():
        raise CassetteError(f"{target} does not exist; give a cassette file or a folder of them")
    found = sorted(p for p in target.rglob("*") if p.is_file() and p.suffix in CASSETTE_SUFFIXES)
    if not found:
        raise CassetteError(f"no cassettes (*.yaml, *.yml) in {target}")
    return found


def _first_line(error: BaseException) -> str:
    text = str(error).strip() or type(error).__name__
    return text.splitlines()[0]


# --- vcrpy's shapes ------------------------------------------------------------------------


def _vcr_request(request: RecordedRequest) -> Request:
    return Request(request.method, request.uri, request.body or None, dict(request.headers))


def _vcr_response(response: RecordedResponse) -> dict[str, Any]:
    return {
        "status": {"code": response.status, "message": response.reason},
        "headers": {name: [value] for name, value in response.headers.items()},
        "body": {"string": response.body},
    }


def _request(request: Request) -> RecordedRequest:
    body = request.body
    if hasattr(body, "read"):
        body = body.read()
    return RecordedRequest(
        method=str(request.method).upper(),
        uri=str(request.uri),
        headers={str(k): str(v) for k, v in request.headers.items()},
        body=_bytes(body),
    )


def _response(raw: Any) -> RecordedResponse:
    status = raw["status"]
    code = status["code"] if isinstance(status, Mapping) else status
    reason = status.get("message", "") if isinstance(status, Mapping) else ""
    return RecordedResponse(
        status=int(code),
        reason=str(reason or ""),
        headers=_first_values(raw.get("headers") or {}),
        body=_bytes((raw.get("body") or {}).get("string")),
    )


def _first_values(headers: Mapping[str, Any]) -> dict[str, str]:
    return {
        str(name): str(values[0] if isinstance(values, list) and values else values)
        for name, values in headers.items()
        if not (isinstance(values, list) and not values)
    }


def _bytes(value: Any) -> bytes:
    if value is None:
        return b""
    if isinstance(value, bytes):
        return value
    if isinstance(value, str):
        return value.encode("utf-8")
    if isinstance(value, list):  # vcrpy keeps an iterator body as a list of chunks
        return b"".join(_bytes(part) for part in value)
    raise TypeError(f"a body must be text, got {type(value).__name__}")
