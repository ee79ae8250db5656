"""A fake Sesam node: pipes, asynchronous pumps, execution logs and datasets, behind a JWT.

    node = FakeSesamNode(clock, jwt=issue_jwt(clock.now() + timedelta(hours=1)), pipes=pipes)
    mount(rsps, node)            # sesamclient.Connection(node.api_url, jwt_auth_token=jwt)

The pipes a caller defines (PipeSpec) run plain backend functions (pipes.py); talk_pipes()
builds Talk's pipe set for flows by Talk's naming convention (harness.sesam.naming).
"""

from __future__ import annotations

from harness.fakes.sesam.fake import DEFAULT_API_URL, FakeSesamNode
from harness.fakes.sesam.jwt import issue_jwt
from harness.fakes.sesam.pipes import (
    Backend,
    PipeSpec,
    PumpFailedError,
    PumpResult,
    PumpRun,
    WriteError,
    passthrough,
)
from harness.fakes.sesam.talk import reads_nothing, talk_pipes

__all__ = [
    "DEFAULT_API_URL",
    "Backend",
    "FakeSesamNode",
    "PipeSpec",
    "PumpFailedError",
    "PumpResult",
    "PumpRun",
    "WriteError",
    "issue_jwt",
    "passthrough",
    "reads_nothing",
    "talk_pipes",
]
