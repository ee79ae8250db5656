"""talkqa as an installed package, away from any checkout (issue 15): it finds its own files.

    pip wheel --no-deps -w dist . && pip install --no-deps --prefix P dist/talkqa-*.whl

The wheel carries the fixtures a run needs (the default document, describe metadata, the
Crmoffice contract) under <prefix>/share/talkqa/fixtures; harness/resources.py finds them
there when there is no checkout around the package. The installed copy runs with `python -S`
(no site: the checkout's editable install stays out of it) from an empty folder.
"""

from __future__ import annotations

import os
import subprocess
import sys
import sysconfig
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[2]


@pytest.fixture(scope="module")
def installed(tmp_path_factory: pytest.TempPathFactory) -> Path:
    root = tmp_path_factory.mktemp("installed")
    wheels, prefix = root / "wheels", root / "prefix"
    pip = [sys.executable, "-m", "pip", "--disable-pip-version-check", "-q"]
    built = subprocess.run(
        [*pip, "wheel", "--no-deps", "-w", str(wheels), str(REPO)],
        capture_output=True,
        text=True,
        timeout=600,
        check=False,
        cwd=root,
    )
    assert built.returncode == 0, built.stdout + built.stderr
    [wheel] = wheels.glob("talkqa-*.whl")
    done = subprocess.run(
        # --ignore-installed: never uninstall this environment's own (editable) talkqa first.
        [*pip, "install", "--no-deps", "--ignore-installed", "--prefix", str(prefix), str(wheel)],
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )
    assert done.returncode == 0, done.stdout + done.stderr
    return prefix


def _run_installed(prefix: Path, cwd: Path, *code: str) -> subprocess.CompletedProcess[str]:
    site = sysconfig.get_paths(vars={"base": str(prefix), "platbase": str(prefix)})["purelib"]
    dependencies = sysconfig.get_paths()["purelib"]  # this environment's packages, not its .pth
    env = {**os.environ, "PYTHONPATH": os.pathsep.join([site, dependencies])}
    return subprocess.run(
        [sys.executable, "-S", *code],
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
        cwd=cwd,
        env=env,
    )


def test_the_installed_package_finds_its_fixtures_and_generates_the_checklist(
    installed: Path, tmp_path: Path
) -> None:
    where = _run_installed(
        installed,
        tmp_path,
        "-c",
        "import harness, harness.resources as r; print(harness.__file__); print(r.FIXTURES)",
    )
    assert where.returncode == 0, where.stderr
    package, fixtures = where.stdout.split()
    assert str(installed) in package and str(REPO) not in package
    assert Path(fixtures) == installed / "share" / "talkqa" / "fixtures"
    out = tmp_path / "features"
    made = _run_installed(
        installed, tmp_path, "-m", "harness.cli", "features", "generate", "--out", str(out)
    )
    assert made.returncode == 0, made.stdout + made.stderr
    generated = sorted(
        p.name for p in (out / "generated" / "salesforce_to_crmoffice").glob("*.feature")
    )
    assert generated == sorted(
        p.name
        for p in (REPO / "features" / "generated" / "salesforce_to_crmoffice").glob("*.feature")
    )
