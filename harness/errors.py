"""Every error talkqa raises, grouped by what the caller should do about it.

try: engine.run_cycle()
except RetriableError: back off and try again; except RecordRejectedError: dead-letter it
"""

from __future__ import annotations


class TalkQAError(Exception):
    """Root of every error talkqa raises on purpose.

    Messages name the thing, where it came from and what was expected. They may carry a response
    body, never a token, password or session id.
    """

    exit_code = 1


class FatalError(TalkQAError):
    """Stop the run: retrying will not help (wrong credentials, a production org, a bug)."""


class ConfigError(FatalError):
    """The user's configuration or command line is wrong; exit code 2 tells a script so."""

    exit_code = 2


class AuthenticationError(FatalError):
    """A system refused the credentials."""

    exit_code = 2


class UnreachableError(FatalError):
    """A system's host cannot be reached at all (DNS, refused, TLS, timeout) before a run."""

    exit_code = 2


class ProductionGuardError(FatalError):
    """The target looks like a production system; nothing was written."""

    exit_code = 2


class BadSpecError(TalkQAError):
    """The dataflow document (or another spec file) is not what it should be."""

    exit_code = 2


class StateStoreError(FatalError):
    """The link/state store is unreadable, corrupt or from a newer schema."""

    exit_code = 2


class ChecklistWriteError(FatalError):
    """The generated feature files could not all be written; none was changed."""

    exit_code = 2


class StateInUseError(FatalError):
    """Another engine holds the state file's lock: running both would insert twice."""

    exit_code = 2


class RetriableError(TalkQAError):
    """A transient fault (429, 5xx, lock, timeout); the same call may succeed later."""

    def __init__(self, message: str, *, retry_after: float | None = None) -> None:
        super().__init__(message)
        self.retry_after = retry_after


class SessionExpiredError(RetriableError):
    """The session or access token expired; log in again once, then retry."""


class RecordRejectedError(TalkQAError):
    """The target rejected one record for good (too long, required field missing).

    The record goes to the dead-letter list; the other records go on.
    """

    def __init__(self, message: str, *, code: str = "", fields: tuple[str, ...] = ()) -> None:
        super().__init__(message)
        self.code = code
        self.fields = fields


class ApiContractError(FatalError):
    """A system answered with something its contract does not allow (missing field, wrong type)."""


class UnsupportedByEngineError(TalkQAError):
    """The engine under test cannot do this at all (e.g. a restart through Sesam's API); the
    message says why. A checklist item that needs it is skipped with that reason."""


class NotFoundError(TalkQAError):
    """The record or resource does not exist (or was deleted)."""
