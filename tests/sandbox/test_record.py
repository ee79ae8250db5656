"""`--record DIR` on a sandbox run (issue 18): every exchange a cassette, no secret in any.

    pytest features/ --target sandbox --record reports/cassettes; talkqa fidelity reports/cassettes

Run on the test seam (the fakes at sandbox hosts), as the other sandbox runs are; the cassettes
are then replayed against fresh fakes by `talkqa fidelity`, as a user would after a real run.
"""

from __future__ import annotations

import subprocess
from pathlib import Path

from harness.fidelity.cassette import read_cassette
from harness.sandbox import seam
from tests.runs import tail
from tests.sandbox.conftest import PYTHON, SandboxRun

SEAM_SECRETS = (seam.SF_PASSWORD, seam.SF_TOKEN, seam.CRM_CLIENT_SECRET)


def test_a_recorded_sandbox_run_holds_every_exchange_and_no_secret(
    sandbox_checklist: SandboxRun, tmp_path: Path
) -> None:
    cassettes = tmp_path / "cassettes"
    done = sandbox_checklist("-k", "one_linked and contact", "--record", str(cassettes))
    assert done.ret == 0, tail([*done.outlines, *done.errlines])
    files = sorted(cassettes.glob("*.yaml"))
    assert len(files) >= 2  # the run's first guard and login, then the scenario's
    interactions = [i for f in files for i in read_cassette(f).interactions]
    paths = " ".join(i.request.uri for i in interactions)
    for reached in (
        "/services/Soap/u/",
        "/query",
        "/sobjects/",
        "/contacts",
        "/connect/token",
    ):
        assert reached in paths, reached
    text = "".join(f.read_text("utf-8") for f in files)
    for secret in SEAM_SECRETS:
        assert secret not in text
    replayed = subprocess.run(
        [str(Path(PYTHON).parent / "talkqa"), "fidelity", str(cassettes)],
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )
    # The seam's fakes are the fakes: a recording of them replays with no difference.
    assert replayed.returncode == 0, replayed.stdout + replayed.stderr
    assert replayed.stdout.strip().endswith("no differences")
