"""An engine under test whose error message carries a credential, for the masking test.

    pytest features/ --sync-engine tests.reliability.leaky:leaky_engine

A careless engine (or connector) puts a password into an exception; nothing the harness
writes or prints may repeat it.
"""

from __future__ import annotations

from harness.engine import EngineContext, RunReport, SyncEngine, create_engine
from harness.engine.broken import EngineWrapper
from harness.engine.engine import TalkEngine


class LeakyEngine(EngineWrapper):
    def __init__(self, engine: TalkEngine, secret: str) -> None:
        super().__init__(engine)
        self._secret = secret

    def run_cycle(self) -> RunReport:
        raise RuntimeError(f"login failed with password {self._secret} (retry later)")


def leaky_engine(context: EngineContext) -> SyncEngine:
    engine = create_engine(context)
    assert isinstance(engine, TalkEngine)
    return LeakyEngine(engine, str(getattr(context.salesforce.login, "password", "")))
