"""A sync engine process for crash trials: reach fakes served on loopback, run N cycles, exit.

    python -m harness.reliability.crash_child SF_ADDR CRM_ADDR STATE CYCLES [--restart]
    TALKQA_FAILPOINT=after-insert:37 python -m ...   # the engine SIGKILLs itself there

The parent serves the fakes; this process only runs the engine, as a real deployment would.
"""

from __future__ import annotations

import os
import sys
from pathlib import Path

import requests

from harness.engine import EngineContext, create_engine
from harness.engine.failpoints import Failpoints
from harness.fakes.http import route_to_loopback
from harness.fakes.world import FakeWorld


def loopback_context(sf_address: str, crm_address: str, state: Path) -> EngineContext:
    """Settings of a FakeWorld, with every request sent to the fakes the parent serves."""
    world = FakeWorld()  # only for the fakes' hosts and dummy credentials; never served here

    def session() -> requests.Session:
        s = requests.Session()
        route_to_loopback(s, world.salesforce.hosts, sf_address)
        route_to_loopback(s, world.crmoffice.hosts, crm_address)
        return s

    return EngineContext(
        world.salesforce_settings(),
        world.crmoffice_settings(),
        state,
        session_factory=session,
        failpoints=Failpoints.from_env(os.environ),  # this child's edge: the parent arms it
    )


def main(argv: list[str]) -> int:
    sf_address, crm_address, state, cycles = argv[:4]
    engine = create_engine(loopback_context(sf_address, crm_address, Path(state)))
    if "--restart" in argv:
        engine.restart()
    for _ in range(int(cycles)):
        engine.run_cycle()
    engine.close()
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
