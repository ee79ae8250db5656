"""Where a checklist run's systems are: the embedded fakes or real sandboxes (the Target
protocol is harness.qa.targets), and the fake Sesam node a checklist drives Sesam's engine on.

    with MockTarget() as target: ...                       # both fakes in process
    with sandbox_target(environ_with_dotenv(), run_id=new_run_id()) as target: ...

This package composes the fakes, the sandbox guards and recorders, the engines and the
fidelity recorder; harness.qa (what the steps drive) never imports it, so it stays a plain
library of the checklist's own, with no way to reach a fake behind a target's back.
"""

from __future__ import annotations

from harness.targets.mock import MidCycleEdit, MockTarget
from harness.targets.sandbox import SandboxTarget

__all__ = ["MidCycleEdit", "MockTarget", "SandboxTarget"]
