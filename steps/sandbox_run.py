"""A checklist run on real sandboxes: one guard and login for the run, a target per scenario."""

from __future__ import annotations

import itertools
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import pytest

from harness.errors import FatalError
from harness.sandbox.config import environ_with_dotenv
from harness.sandbox.ledger import new_run_id
from harness.targets import SandboxTarget
from harness.targets.connect import sandbox_target
from steps.keys import RUN_ID, RUN_ID_KEY, RUN_REDACTOR, SANDBOX_TARGETS


def open_sandbox(config: pytest.Config) -> None:
    """Check configuration, guard and budget once, before any scenario; one line on failure."""
    env = environ_with_dotenv()
    worker = getattr(config, "workerinput", None)
    # An xdist worker takes the controller's run id (pytest_configure_node hands it over) and
    # adds its own name, so its records carry a tag of their own and its scope takes no other's.
    run_id = f"{worker[RUN_ID_KEY]}-{worker['workerid']}" if worker else new_run_id()
    config.stash[RUN_ID] = run_id

    record = config.getoption("--record")
    cassettes = itertools.count(1)

    def make(joining: SandboxTarget | None = None) -> SandboxTarget:
        return sandbox_target(
            env,
            run_id=run_id,
            sf_auth=config.getoption("--sf-auth"),
            min_remaining=config.getoption("--min-remaining"),
            joining=joining,
            # One cassette per target (a scenario's, or the run's first guard and login).
            record_to=Path(record) / f"{run_id}-{next(cassettes):04d}.yaml" if record else None,
        )

    with stop_on_fatal(config), make() as first:
        config.stash[RUN_REDACTOR] = config.stash[RUN_REDACTOR].with_secrets(first.secrets())
    # Every scenario's target joins the first: its guard and its one Salesforce login.
    config.stash[SANDBOX_TARGETS] = lambda: make(joining=first)


def hand_run_id(node: Any) -> None:
    """xdist, in the controller: give a worker this run's id (workerinput, not os.environ)."""
    run_id = node.config.stash.get(RUN_ID, None)
    if run_id is not None:
        node.workerinput[RUN_ID_KEY] = run_id


@contextmanager
def stop_on_fatal(config: pytest.Config) -> Iterator[None]:
    """Wrong credentials, a production org or a spent budget stop the whole run, as one line."""
    try:
        yield
    except FatalError as error:
        pytest.exit(config.stash[RUN_REDACTOR].text(str(error)), returncode=error.exit_code)


@contextmanager
def scenario_sandbox(config: pytest.Config) -> Iterator[SandboxTarget]:
    """One scenario's sandbox target, joined to the run's guard and login."""
    with stop_on_fatal(config), config.stash[SANDBOX_TARGETS]() as sandbox:
        yield sandbox
    # A session renewed during the scenario is a new secret for the run's masking too.
    config.stash[RUN_REDACTOR] = config.stash[RUN_REDACTOR].with_secrets(sandbox.secrets())
    if sandbox.budget.exhausted:  # the scenario failed on it; the next would too
        pytest.exit(sandbox.budget.message(), returncode=1)
