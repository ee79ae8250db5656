"""Named crash points, so tests can kill the engine at each write boundary in turn.

    TALKQA_FAILPOINT=after-insert:3 talkqa sync --once   # SIGKILL at the 3rd insert
    failpoints = Failpoints.from_env(os.environ); failpoints.hit("after-insert")  # at an edge

TALKQA_FAILPOINT_ACTION=raise raises SimulatedCrash instead, for in-process tests.
"""

from __future__ import annotations

import os
import signal
from collections.abc import Mapping

from harness.errors import ConfigError

POINTS = (
    "after-intent",  # insert intents committed, POST not sent
    "after-insert",  # target created the record, link not yet written
    "after-link",  # links committed
    "after-salesforce-batch",  # a Collections PATCH answered, based_on not yet saved
    "after-crmoffice-write",  # a PATCH answered, based_on not yet saved
    "after-synced",  # based_on and dead letters of a chunk committed
    "after-watermark",  # the cycle's watermarks committed
)


class SimulatedCrash(BaseException):
    """Raised at a failpoint in "raise" mode; BaseException so no except Exception hides it."""


class Failpoints:
    def __init__(self, name: str | None = None, nth: int = 0, *, action: str = "kill") -> None:
        if name is not None and name not in POINTS:
            raise ConfigError(f"unknown failpoint {name!r}; known: {', '.join(POINTS)}")
        self.name, self.nth, self.action, self.hits = name, nth, action, 0

    @classmethod
    def from_env(cls, env: Mapping[str, str]) -> Failpoints:
        """From TALKQA_FAILPOINT in `env`, which a program's edge passes in (never read here)."""
        spec = env.get("TALKQA_FAILPOINT", "")
        if not spec:
            return cls()
        name, _, nth = spec.partition(":")
        if not nth.isdigit():
            raise ConfigError(
                f"TALKQA_FAILPOINT={spec!r}; expected <name>:<n>, e.g. after-insert:2"
            )
        return cls(name, int(nth), action=env.get("TALKQA_FAILPOINT_ACTION", "kill"))

    def hit(self, name: str) -> None:
        if name != self.name:
            return
        self.hits += 1
        if self.hits != self.nth:
            return
        if self.action == "raise":
            raise SimulatedCrash(f"failpoint {name}:{self.nth}")
        os.kill(os.getpid(), signal.SIGKILL)
