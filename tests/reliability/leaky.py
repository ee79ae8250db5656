"""An engine under test whose error message carries a credential, for the masking test.

    pytest features/ --sync-engine tests.reliability.leaky:leaky_engine

A careless engine (or connector) puts a password into an exception; nothing the harness
writes or prints may repeat it.
"""

from __future__ import annotations

from harness.engine import EngineContext, RunReport, SyncEngine, create_engine


class LeakyEngine:
    def __init__(self, engine: SyncEngine, secret: str) -> None:
        self._engine, self._secret = engine, secret

    def run_cycle(self) -> RunReport:
        raise RuntimeError(f"login failed with password {self._secret} (retry later)")

    def restart(self) -> None:
        self._engine.restart()

    def reset_watermarks(self) -> None:
        self._engine.reset_watermarks()

    def close(self) -> None:
        self._engine.close()


def leaky_engine(context: EngineContext) -> SyncEngine:
    login = context.salesforce.login
    return LeakyEngine(create_engine(context), str(getattr(login, "password", "")))
