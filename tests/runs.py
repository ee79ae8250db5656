"""One way for tests to run the checklist: pytest inside the test's own process (pytester).

    done = run_features(pytester, "-m", "critical", f"--alluredir={tmp}")   # pytest.RunResult
    assert done.ret == 0, tail(done.outlines)

Serial (no xdist) unless `workers` says otherwise, quiet, on the fakes. No interpreter starts
(issue 16): pytester runs `pytest.main` in this process, captures its output, and restores
sys.modules and sys.path afterwards. pytester runs it from a folder of its own (pytester.path),
so the checklist is named by absolute path, with the repository's rootdir and pyproject.toml:
node ids, the scenario seeds taken from them, features/conftest.py (steps/plugin.py) and the
generated feature files are the ones `pytest features/` from the repository root has. Each
run's own tmp_path folders are under pytester.path, a folder of their own per run.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from itertools import count
from pathlib import Path
from typing import Any, TypeVar

import pytest

# The checklist's step modules (features/conftest.py imports the same), imported once into this
# process: each run reuses them, and the harness modules they import, as a `make test` worker
# does that has collected features/ itself. Imported during a run instead, pytester would remove
# them after it, so every run would import (without .pyc files, compile) steps/ and harness/
# again, and leave the old copies behind as attributes of the packages that stay.
import steps.faults
import steps.given
import steps.plugin
import steps.then
import steps.when

STEP_MODULES = (steps.faults, steps.given, steps.plugin, steps.then, steps.when)
REPO = Path(__file__).resolve().parents[1]
FEATURES = REPO / "features"
SERIAL = ("-p", "no:xdist")
T = TypeVar("T")


def run_features(
    pytester: pytest.Pytester, *args: str, workers: Sequence[str] = SERIAL
) -> pytest.RunResult:
    """`pytest features/ -q -p no:xdist *args`, as from the repository root, in this process."""
    inner = _InnerRun()
    done = pytester.runpytest_inprocess(
        *_checklist_args(pytester, *args, workers=workers), plugins=[inner], no_reraise_ctrlc=True
    )
    if inner.interrupted:  # Ctrl-C: stop this run too, as pytester does by itself
        raise KeyboardInterrupt()
    return done


def _checklist_args(
    pytester: pytest.Pytester, *args: str, workers: Sequence[str] = SERIAL
) -> list[str]:
    """The inner run's command line."""
    return [
        str(FEATURES),
        f"--rootdir={REPO}",
        "-c",
        str(REPO / "pyproject.toml"),
        "-q",
        *workers,
        f"--basetemp={_basetemp(pytester)}",
        *args,
    ]


class _InnerRun:
    """A plugin of the inner run. pytester records every hook call of the run with its
    arguments (each scenario's request, so its driver and fakes) and keeps them until the test
    ends: this drops them after each scenario, so a whole checklist does not pile up in memory.
    (Measured on the whole checklist, in CPU seconds: 26 so, 33 keeping them all, and 34-46
    with pytester's recording switched off altogether, for 24-26 in a subprocess.) And it
    notes a Ctrl-C, which pytester re-raises only from that record; it cannot tell one from a
    pytest.exit(returncode=2) in pytest_configure (a sandbox run stopped in one line), which it
    reported as its own AttributeError and exit 3."""

    def __init__(self) -> None:
        self.interrupted = False
        self._recorder: pytest.HookRecorder | None = None

    @pytest.hookimpl(trylast=True)  # after pytester's own pytest_configure made the recorder
    def pytest_configure(self, config: pytest.Config) -> None:
        recorder = getattr(config.pluginmanager, "reprec", None)
        self._recorder = recorder if isinstance(recorder, pytest.HookRecorder) else None

    def pytest_runtest_logfinish(self) -> None:
        if self._recorder is not None:
            self._recorder.calls.clear()

    def pytest_keyboard_interrupt(self, excinfo: pytest.ExceptionInfo[BaseException]) -> None:
        self.interrupted = excinfo.type is KeyboardInterrupt  # pytest.exit raises Exit


def _basetemp(pytester: pytest.Pytester) -> Path:
    """A basetemp per run: pytest empties its --basetemp when it starts, and pytester's default
    one is shared by every run of the session, so a second run would remove the first's."""
    return next(p for n in count() if not (p := pytester.path / f"run-{n}").exists())


def text(lines: Sequence[str]) -> str:
    """A RunResult's outlines or errlines as the text a terminal showed."""
    return "\n".join(lines)


def tail(lines: Sequence[str], chars: int = 3000) -> str:
    """The end of a run's output, for an assertion's message."""
    return text(lines)[-chars:]


def once(made: dict[str, Any], key: str, make: Callable[[], T]) -> T:
    """What make() returns, made by the first test that asks and kept in `made` (the
    module-scoped made_once fixture of tests/conftest.py): pytester is a fixture per test, so
    a module-scoped fixture cannot run the checklist itself. A failure is kept too and raised
    to every test that asks, as a failed module fixture's error is, rather than running the
    checklist again."""
    if key not in made:
        try:
            made[key] = make()
        except Exception as error:
            made[key] = error
            raise
    value = made[key]
    if isinstance(value, Exception):
        raise value
    return value  # type: ignore[no-any-return]
