"""Per-pipe overrides: the node's own pipe id where it does not follow Talk's naming.

    overrides = load_overrides(Path("sesam-pipes.toml"), known=[p.id for p in pipe_set(flows)])
    overrides.get("global-contact", "global-contact")   # "global-person"

The file is TOML, one table:

    [pipes]
    "global-contact" = "global-person"                       # Talk's merged type
    "crmoffice-contacts-transform" = "crmoffice-contacts-transform-split"

Keys are conventional ids (harness.sesam.naming); a key no flow has is a ConfigError naming the
file and the known ids, so a typo never silently keeps the conventional name.
"""

from __future__ import annotations

import tomllib
from collections.abc import Iterable
from pathlib import Path

from harness.errors import ConfigError


def load_overrides(path: Path | None, *, known: Iterable[str]) -> dict[str, str]:
    if path is None:
        return {}
    try:
        raw = tomllib.loads(path.read_text("utf-8"))
    except OSError as error:
        raise ConfigError(f"Sesam pipes file {path} cannot be read ({error.strerror})") from None
    except tomllib.TOMLDecodeError as error:
        raise ConfigError(f"Sesam pipes file {path} is not TOML: {error}") from None
    return parse_overrides(raw, source=str(path), known=known)


def parse_overrides(raw: dict[str, object], *, source: str, known: Iterable[str]) -> dict[str, str]:
    extra = sorted(set(raw) - {"pipes"})
    pipes = raw.get("pipes", {})
    if extra or not isinstance(pipes, dict):
        raise ConfigError(
            f"Sesam pipes file {source}: expected one [pipes] table of"
            f' "<conventional id>" = "<node pipe id>", found {", ".join(extra) or "pipes"!r}'
        )
    known_ids = list(known)
    overrides: dict[str, str] = {}
    for key, value in pipes.items():
        if key not in known_ids:
            raise ConfigError(
                f"Sesam pipes file {source}: no flow has a pipe {key!r};"
                f" known: {', '.join(known_ids)}"
            )
        if not isinstance(value, str) or not value.strip():
            raise ConfigError(f"Sesam pipes file {source}: {key!r} must name a pipe id string")
        overrides[key] = value.strip()
    return overrides
