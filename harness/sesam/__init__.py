"""The Sesam engine: a SyncEngine that drives Talk's pipes on a Sesam node via sesamclient.

    engine = SesamEngine(load_sesam_settings(env), flows_from_mapping(load_mapping()))
    report = engine.run_cycle()   # collect, global, transform, share, until at rest

naming.py is Talk's pipe naming (shared with harness.fakes.sesam); node.py the only module
that touches sesamclient; plan.py, rounds.py, runner.py and counts.py the engine's parts.
"""

from __future__ import annotations

from harness.sesam.engine import CANNOT_RESTART, SesamEngine
from harness.sesam.factory import sesam_engine_factory
from harness.sesam.naming import Role, TalkFlow, TalkPipe, TalkSide, flows_from_mapping, pipe_set
from harness.sesam.settings import SesamSettings, load_sesam_settings

__all__ = [
    "CANNOT_RESTART",
    "Role",
    "SesamEngine",
    "SesamSettings",
    "TalkFlow",
    "TalkPipe",
    "TalkSide",
    "flows_from_mapping",
    "load_sesam_settings",
    "pipe_set",
    "sesam_engine_factory",
]
