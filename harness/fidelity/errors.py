"""The errors of record and replay, on the branches of harness/errors.py.

raise CassetteError("reports/x.yaml is not a vcrpy cassette: no 'interactions' list")
raise SecretInCassetteError("reports/x.yaml: interaction #2 request header Authorization ...")
"""

from __future__ import annotations

from harness.errors import ConfigError, FatalError


class CassetteError(ConfigError):
    """A path given as cassettes is missing, empty or not a vcrpy cassette (exit code 2)."""


class SecretInCassetteError(FatalError):
    """A cassette holds a credential; the message says where, never the credential itself."""
