"""The check that no secret is in any cassette: every finding names the file and the place.

    check_no_secrets(Path("reports/cassettes"), [password, security_token, client_secret])
    # SecretInCassetteError: reports/cassettes/run.yaml: interaction #1 request body: holds ...

A value is a finding when it holds one of the given secrets (also URL-, form-, JSON- or
XML-encoded), or anything the record-time filter would still mask (an Authorization header
that is not masked, a token field, a SOAP <password>, a session id, a JWT). The message never
carries the value.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path

import yaml

from harness.fidelity.cassette import Interaction, cassette_paths, read_cassette
from harness.fidelity.errors import SecretInCassetteError
from harness.fidelity.filtering import encodings, headers, masks_something
from harness.redact import Redactor

GIVEN = "one of the secrets given to the check"
SHAPED = "an unmasked credential (found by its name or shape)"


@dataclass(frozen=True)
class SecretFinding:
    path: Path
    place: str  # "interaction #2 request header Authorization"
    kind: str

    def line(self) -> str:
        return f"{self.path}: {self.place}: holds {self.kind}"


def check_no_secrets(target: Path, secrets: Iterable[str]) -> None:
    """Raise SecretInCassetteError listing every place a secret appears under target."""
    findings = find_secrets(target, secrets)
    if findings:
        lines = "\n".join(f.line() for f in findings)
        raise SecretInCassetteError(f"{len(findings)} secret(s) in cassettes:\n{lines}")


def find_secrets(target: Path, secrets: Iterable[str]) -> list[SecretFinding]:
    forms = {form for secret in secrets if secret for form in encodings(secret)}
    return [
        SecretFinding(path, place, kind)
        for path in cassette_paths(target)
        for place, kind in _findings(path, forms)
    ]


def _findings(path: Path, forms: set[str]) -> Iterator[tuple[str, str]]:
    cassette = read_cassette(path)
    for number, interaction in enumerate(cassette.interactions, 1):
        for place, header, value in _places(interaction):
            kind = _kind(forms, header, value)
            if kind:
                yield f"interaction #{number} {place}", kind
    if cassette.metadata:
        kind = _kind(forms, None, yaml.safe_dump(dict(cassette.metadata)))
        if kind:
            yield "metadata", kind


def _places(interaction: Interaction) -> Iterator[tuple[str, str | None, str]]:
    request, response = interaction.request, interaction.response
    yield "request uri", None, request.uri
    for side, values in (("request", request.headers), ("response", response.headers)):
        for name, value in values.items():
            yield f"{side} header {name}", name, value
    yield "request body", None, request.body.decode("utf-8", "replace")
    yield "response body", None, response.body.decode("utf-8", "replace")


def _kind(forms: set[str], header: str | None, value: str) -> str | None:
    if any(len(form) >= 4 and form in value for form in forms):
        return GIVEN
    shapes = Redactor()
    if header is not None:
        masked = headers(shapes, {header: value})[header] != value
    else:
        masked = masks_something(shapes, value)
    return SHAPED if masked else None
