"""`talkqa sync --target sandbox`: the engine's context on the guarded sandboxes.

    with sandbox_context(Path("state.sqlite")) as context:   # guard first, then the engine
        create_engine(context).run_cycle()

The engine's creates are written to the run ledger (not deleted at the end: a sync is meant to
leave its result); `talkqa sweep` removes them once they are older than --older-than.
"""

from __future__ import annotations

import sys
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from harness.engine import EngineContext
from harness.sandbox.config import environ_with_dotenv
from harness.sandbox.ledger import new_run_id
from harness.targets.connect import sandbox_target


@contextmanager
def sandbox_context(state: Path) -> Iterator[EngineContext]:
    target = sandbox_target(environ_with_dotenv(), run_id=new_run_id(), cleanup=False)
    with target:
        yield EngineContext(
            target.salesforce_settings(),
            target.crmoffice_settings(),
            state,
            session_factory=target.new_session,
            clock=target.clock,
        )
    made = len(target.recorder.entries)
    if made:
        print(
            f"run {target.run_id}: {made} records created, listed in {target.ledger.path};"
            " `talkqa sweep` removes them",
            file=sys.stderr,
        )
