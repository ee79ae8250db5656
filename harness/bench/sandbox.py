"""The sandbox benchmark: one checklist run on the sandbox test seam, with data already there.

    result = run_sandbox_bench(preexisting=5_000, latency_ms=150, workers=4)
    result.calls          # {"salesforce": 1_020, "crmoffice": 900}: what one run costs

`pytest features/ --target sandbox` runs in a process of its own against the seam's fakes
(harness/sandbox/seam.py), which first fill themselves with what a refreshed sandbox holds and
answer every call `latency_ms` late. Each pytest process writes what its fakes received; the
result adds them up and says which pre-existing records changed (it must be none).
"""

from __future__ import annotations

import json
import re
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from harness.errors import ConfigError
from harness.sandbox import seam
from harness.sandbox.config import child_environment

REPO = Path(__file__).resolve().parents[2]
OUTCOME = re.compile(r"(\d+) (passed|failed|skipped|errors?|deselected|xfailed|xpassed)")


@dataclass(frozen=True)
class SandboxBench:
    preexisting: int
    latency_ms: float
    workers: int
    outcome: dict[str, int]  # "passed" -> 40, "skipped" -> 3
    calls: dict[str, int]  # per system, every process added up
    logins: int  # Salesforce SOAP logins
    routes: dict[str, dict[str, int]] = field(default_factory=dict)
    preexisting_changed: list[str] = field(default_factory=list)
    wall_seconds: float = 0.0
    exit_code: int = 0
    tail: str = ""  # the end of pytest's output, when the run did not pass

    def to_json(self) -> dict[str, Any]:
        return {
            "preexisting": self.preexisting,
            "latency_ms": self.latency_ms,
            "workers": self.workers,
            "outcome": self.outcome,
            "calls": self.calls,
            "salesforce_logins": self.logins,
            "preexisting_changed": self.preexisting_changed,
            "wall_seconds": round(self.wall_seconds, 1),
            "exit_code": self.exit_code,
        }


def run_sandbox_bench(
    *,
    preexisting: int,
    latency_ms: float = 0.0,
    workers: int = 0,
    pytest_args: tuple[str, ...] = (),
    timeout: float = 3600.0,
) -> SandboxBench:
    if preexisting < 0 or latency_ms < 0 or workers < 0:
        raise ConfigError(
            "--preexisting, --latency-ms and --workers must be 0 or more, got"
            f" {preexisting}, {latency_ms}, {workers}"
        )
    with tempfile.TemporaryDirectory(prefix="talkqa-sandbox-bench-") as work:
        folder = Path(work)
        env = _environment(folder, preexisting, latency_ms)
        parallel = ("-n", str(workers)) if workers else ("-p", "no:xdist")
        command = [
            sys.executable,
            "-m",
            "pytest",
            "features/",
            "--target",
            "sandbox",
            "-q",
            "-p",
            "no:cacheprovider",
            *parallel,
            *pytest_args,
        ]
        started = time.perf_counter()
        done = subprocess.run(
            command, cwd=REPO, env=env, capture_output=True, text=True, timeout=timeout, check=False
        )
        wall = time.perf_counter() - started
        tallies = [json.loads(p.read_text("utf-8")) for p in (folder / "calls").glob("*.json")]
    return _result(preexisting, latency_ms, workers, done, wall, tallies)


def _environment(folder: Path, preexisting: int, latency_ms: float) -> dict[str, str]:
    base = child_environment(without=("TALKQA_", "PYTEST_"))
    return {
        **base,
        **seam.seam_environment(),
        "TALKQA_LEDGER": str(folder / "ledger.jsonl"),
        "TALKQA_ENV_FILE": str(folder / "no.env"),
        seam.SEAM_PREEXISTING_VARIABLE: str(preexisting),
        seam.SEAM_LATENCY_VARIABLE: str(latency_ms),
        seam.SEAM_CALLS_VARIABLE: str(folder / "calls"),
    }


def _result(
    preexisting: int,
    latency_ms: float,
    workers: int,
    done: subprocess.CompletedProcess[str],
    wall: float,
    tallies: list[dict[str, Any]],
) -> SandboxBench:
    summary = done.stdout.strip().splitlines()[-1] if done.stdout.strip() else ""
    outcome = {kind.removesuffix("s"): int(n) for n, kind in OUTCOME.findall(summary)}
    routes: dict[str, dict[str, int]] = {"salesforce": {}, "crmoffice": {}}
    for tally in tallies:
        for system in routes:
            for route, n in tally[f"{system}_routes"].items():
                routes[system][route] = routes[system].get(route, 0) + n
    return SandboxBench(
        preexisting=preexisting,
        latency_ms=latency_ms,
        workers=workers,
        outcome=outcome,
        calls={system: sum(t[system] for t in tallies) for system in ("salesforce", "crmoffice")},
        logins=sum(t["salesforce_logins"] for t in tallies),
        routes=routes,
        preexisting_changed=sorted(k for t in tallies for k in t["preexisting_changed"]),
        wall_seconds=wall,
        exit_code=done.returncode,
        tail="" if done.returncode == 0 else (done.stdout + done.stderr)[-3000:],
    )


def render_sandbox_text(result: SandboxBench) -> str:
    shown = ", ".join(f"{n} {kind}" for kind, n in result.outcome.items()) or "no outcome"
    lines = [
        f"Sandbox seam: {result.preexisting:,} records already in each system,"
        f" {result.latency_ms:g} ms a call, {result.workers or 'no'} xdist workers",
        f"  outcome        {shown} (exit {result.exit_code})",
        f"  Salesforce     {result.calls['salesforce']:,} calls ({result.logins} logins)",
        f"  Crmoffice      {result.calls['crmoffice']:,} calls",
        f"  wall time      {result.wall_seconds:.1f} s",
        f"  pre-existing records changed or deleted: {len(result.preexisting_changed)}",
    ]
    if result.tail:
        lines += ["", result.tail]
    return "\n".join(lines)
