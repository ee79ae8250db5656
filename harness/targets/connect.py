"""Build a SandboxTarget from the environment: the one way `pytest`, `sync` and `sweep` get one.

    target = sandbox_target(environ_with_dotenv(), run_id=new_run_id(), min_remaining=2000)
    with target: ...   # guard on enter, cleanup on exit

The test seam (TALKQA_SANDBOX_FAKES=1, harness.sandbox.seam) is read here and nowhere else.
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from dataclasses import replace
from pathlib import Path

from harness.errors import ConfigError
from harness.sandbox.config import README_HINT, load_config
from harness.sandbox.seam import shared_fakes
from harness.targets import SandboxTarget

DEFAULT_POLL_TIMEOUT = 60.0
MAX_POLL_TIMEOUT = 3600.0  # an hour: longer is a typo, and a failing step would wait it out


def sandbox_target(
    env: Mapping[str, str],
    *,
    run_id: str,
    sf_auth: str | None = None,
    min_remaining: int | None = None,
    cleanup: bool = True,
    joining: SandboxTarget | None = None,
    record_to: Path | None = None,
) -> SandboxTarget:
    """A target from the TALKQA_* variables; `joining` an entered target of the same run, whose
    guard and Salesforce session the new one reuses (one login per run, not per scenario)."""
    config = load_config(env, sf_auth=sf_auth)
    if min_remaining is not None:
        config = replace(config, min_remaining=min_remaining)
    return SandboxTarget(
        config,
        run_id=run_id,
        fakes=shared_fakes(env),
        cleanup=cleanup,
        poll_timeout=_poll_timeout(env),
        run_session=joining.run_session if joining else None,
        run_tokens=joining.run_tokens if joining else None,
        org=joining.org if joining else None,
        record_to=record_to,
    )


def _poll_timeout(env: Mapping[str, str]) -> float:
    raw = env.get("TALKQA_POLL_TIMEOUT") or str(DEFAULT_POLL_TIMEOUT)
    try:
        value = float(raw)
    except ValueError:
        value = math.nan
    # nan compares false with everything, so a check of `value < 0` alone let it through.
    if not (math.isfinite(value) and 0 <= value <= MAX_POLL_TIMEOUT):
        raise ConfigError(
            f"TALKQA_POLL_TIMEOUT must be seconds from 0 to {MAX_POLL_TIMEOUT:.0f}, got {raw!r};"
            f" {README_HINT}"
        )
    return value
