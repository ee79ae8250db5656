"""Whole runs with --target sandbox against the test seam: exit codes, cleanup, secrets, sweep.

The checklist runs in this process (pytester, issue 16), the seam's variables in os.environ
and nothing else TALKQA_*. The seam keeps one pair of fakes per process (seam._SHARED), so
each run starts with new ones and they are dropped after it, as a fresh interpreter's were,
and the cleanup test inspects the run's own fakes after pytest returns. The talkqa commands
(sync, sweep, signoff) are still started as a user starts them: a process of their own.
"""

from __future__ import annotations

import json
import os
import subprocess
from pathlib import Path

import pytest

from harness.sandbox import seam
from tests.runs import tail, text
from tests.sandbox.conftest import PYTHON, REPO, SandboxRun, seam_variables, subprocess_env

SECRETS = (seam.SF_PASSWORD, seam.SF_TOKEN, seam.CRM_CLIENT_SECRET)
# Scenarios that fail under an engine that swaps the phone properties (a deliberate defect).
FAILING = ["--sync-engine", "harness.engine.broken:swapped_phones", "-k", "Phone and not fault"]


def _env(tmp_path: Path, **extra: str) -> dict[str, str]:
    """For a process of its own: os.environ without TALKQA_* and PYTEST_*, plus the seam's."""
    return subprocess_env(seam_variables(tmp_path, **extra))


def _run(args: list[str], env: dict[str, str]) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        args, cwd=REPO, env=env, capture_output=True, text=True, timeout=120, check=False
    )


def test_missing_credential_is_one_line_and_exit_2(sandbox_checklist: SandboxRun) -> None:
    done = sandbox_checklist(TALKQA_SF_SECURITY_TOKEN="")
    assert done.ret == 2
    assert text(done.errlines).strip() == (
        "Exit: TALKQA_SF_SECURITY_TOKEN is not set (needed for TALKQA_SF_AUTH=password);"
        " see README 'Running against sandboxes'"
    )


# A refused credential, per system: (variable, wrong value, how the line starts, what it names).
REFUSED = {
    "salesforce": (
        "TALKQA_SF_PASSWORD",
        "wrong-password-123",
        "Exit: Salesforce login refused",
        "check TALKQA_SF_USERNAME, TALKQA_SF_PASSWORD",
    ),
    "crmoffice": (
        "TALKQA_CRM_CLIENT_SECRET",
        "wrong-crm-secret-77",
        "Exit: Crmoffice token endpoint",
        "check TALKQA_CRM_CLIENT_ID, TALKQA_CRM_CLIENT_SECRET",
    ),
}


@pytest.mark.parametrize("system", sorted(REFUSED))
def test_a_wrong_credential_stops_the_run_in_one_line_and_exit_2(
    sandbox_checklist: SandboxRun, system: str
) -> None:
    variable, wrong, starts, names = REFUSED[system]
    done = sandbox_checklist(**{variable: wrong})
    stdout, stderr = text(done.outlines), text(done.errlines)
    assert done.ret == 2
    assert stderr.strip().startswith(starts)
    assert names in stderr
    assert len(stderr.strip().splitlines()) == 1
    assert wrong not in stdout + stderr
    assert "passed" not in stdout and "failed" not in stdout  # no scenario ran


def test_guard_stops_a_production_org_before_any_scenario(sandbox_checklist: SandboxRun) -> None:
    refused = sandbox_checklist(TALKQA_SANDBOX_FAKES_PRODUCTION="1")
    stdout, stderr = text(refused.outlines), text(refused.errlines)
    assert refused.ret == 2
    assert stderr.startswith("Exit: Salesforce org 00D5g000004TQAQ")
    assert "is not a sandbox (Organization.IsSandbox is false)" in stderr
    assert "passed" not in stdout and "failed" not in stdout


def test_cleanup_leaves_no_record_behind_after_failing_scenarios(
    sandbox_checklist: SandboxRun, tmp_path: Path
) -> None:
    done = sandbox_checklist(*FAILING)
    assert done.ret == 1, tail(done.outlines)  # scenarios failed...
    assert " failed" in text(done.outlines)
    # ...and left nothing in the fakes the run used: this process's (seam._SHARED), which saw
    # its writes (an empty pair made afresh here would pass the checks below without them).
    fakes = seam.shared_fakes(os.environ)
    assert fakes is not None and fakes.crmoffice.calls.count(kind="write") > 0
    assert fakes.salesforce.calls.count(kind="write") > 0
    salesforce = {
        o: [r["Id"] for r in fakes.salesforce.records(o)]
        for o in ("Contact", "Customer", "Individual", "Product2")
    }
    crmoffice = {
        t: [r["id"] for r in fakes.crmoffice.records(t)] for t in ("contacts", "companies")
    }
    assert salesforce == {o: [] for o in salesforce}
    assert crmoffice == {"contacts": [], "companies": []}
    ledger = (tmp_path / "ledger.jsonl").read_text().splitlines()
    events = [json.loads(line)["event"] for line in ledger]
    created = [e for e in events if e == "created"]
    assert created and events.count("deleted") == len(created)  # every create has its delete


def test_secrets_appear_nowhere_the_run_writes(
    sandbox_checklist: SandboxRun, tmp_path: Path
) -> None:
    results, junit = tmp_path / "allure-results", tmp_path / "junit.xml"
    done = sandbox_checklist(
        "-k",
        "not fault and (Contact or deleted)",
        "--sync-engine",
        "harness.engine.broken:swapped_phones",
        f"--alluredir={results}",
        f"--junitxml={junit}",
        "-rA",
        "--tb=long",
    )
    assert done.ret == 1, tail(done.outlines)  # failures: tracebacks and evidence in reports
    signoff = _run(
        [
            PYTHON,
            "-m",
            "harness.cli",
            "signoff",
            "--results",
            str(results),
            "--markdown",
            str(tmp_path / "signoff.md"),
            "--attach",
        ],
        _env(tmp_path),
    )
    written = [p for p in tmp_path.rglob("*") if p.is_file()]
    assert len(written) > 20 and junit in written
    texts = [
        text(done.outlines),
        text(done.errlines),
        signoff.stdout,
        signoff.stderr,
        *(p.read_text("utf-8", "replace") for p in written),
    ]
    leaks = [(secret, i) for secret in SECRETS for i, text in enumerate(texts) if secret in text]
    assert leaks == []
    assert any("[REDACTED]" in text for text in texts)  # the masking did run


def test_sweep_dry_run_lists_without_deleting_then_sweep_deletes(tmp_path: Path) -> None:
    script = """
import os, sys
from datetime import UTC, datetime, timedelta
from harness.cli import main
from harness.sandbox.seam import shared_fakes
fakes = shared_fakes(os.environ)
old = datetime.now(UTC) - timedelta(hours=3)
sf, crm = fakes.salesforce, fakes.crmoffice
tag = "talkqa:20260101T000000Z-"
sf.insert("Contact", {"LastName": "Stale", "Title": tag + "aaaaaa"}, at=old)
sf.insert("Contact", {"LastName": "Fresh", "Title": tag + "bbbbbb"})
sf.insert("Contact", {"LastName": "Untagged"}, at=old)
print("DRY", main(["sweep", "--older-than", "2h", "--dry-run"]))
print("LEFT", sorted(r["LastName"] for r in sf.records("Contact")))
print("REAL", main(["sweep", "--older-than", "2h"]))
print("LEFT", sorted(r["LastName"] for r in sf.records("Contact")))
"""
    done = _run([PYTHON, "-c", script], _env(tmp_path))
    out = done.stdout
    assert "DRY 0" in out and "REAL 0" in out, done.stderr
    assert "would delete 1 records created before" in out
    assert "salesforce Contact" in out and "run 20260101T000000Z-aaaaaa" in out
    first, second = [line for line in out.splitlines() if line.startswith("LEFT")]
    assert first == "LEFT ['Fresh', 'Stale', 'Untagged']"
    assert second == "LEFT ['Fresh', 'Untagged']"


SWEEP_OTHER_ACCOUNT = """
import json, os
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from harness.cli import main
from harness.sandbox.seam import shared_fakes
fakes = shared_fakes(os.environ)
crm, sf = fakes.crmoffice, fakes.salesforce
old = (datetime.now(UTC) - timedelta(hours=3)).isoformat()
mine = crm.insert("contacts", {"givenName": "Made", "familyName": "By talkqa"})
theirs = crm.insert("contacts", {"givenName": "Customer", "familyName": "of account B"})
edited = crm.insert("contacts", {"givenName": "Made", "familyName": "Then edited"})
untagged = sf.insert("Contact", {"LastName": "Tag removed by a person"})
org = sf.org_id
ledger = Path(os.environ["TALKQA_LEDGER"])
def line(system, kind, rid, account, fingerprint=""):
    return json.dumps({"event": "created", "run_id": "20260101T000000Z-aaaaaa", "system": system,
                       "type_name": kind, "record_id": str(rid), "at": old, "account": account,
                       "fingerprint": fingerprint})
from harness.sandbox.ledger import fingerprint
made = fingerprint({"givenName": "Made", "familyName": "By talkqa"})
lines = [
    line("crmoffice", "contacts", mine, os.environ["TALKQA_CRM_BASE_URL"], made),
    # written by a run against another Crmoffice account (A); B's 100001-style id collides
    line("crmoffice", "contacts", theirs, "https://account-a.api.crmoffice.test", made),
    # ours, but a person changed it since this harness last wrote it
    line("crmoffice", "contacts", edited, os.environ["TALKQA_CRM_BASE_URL"],
         fingerprint({"givenName": "Made", "familyName": "Before the edit"})),
    # ours by the ledger, but the record no longer carries the run tag
    line("salesforce", "Contact", untagged, org),
]
ledger.write_text("\\n".join(lines) + "\\n")
print("REAL", main(["sweep", "--older-than", "2h"]))
print("CRM", sorted(r["familyName"] for r in crm.records("contacts")))
print("SF", sorted(r["LastName"] for r in sf.records("Contact")))
"""


def test_sweep_deletes_only_what_this_account_got_from_this_harness(tmp_path: Path) -> None:
    """Issue 14, item 1: a ledger from Crmoffice account A made sweep on account B delete B's
    own contact. Entries carry their account; a record changed since this harness wrote it, or
    no longer tagged, is listed and left."""
    done = _run([PYTHON, "-c", SWEEP_OTHER_ACCOUNT], _env(tmp_path))
    out = done.stdout
    assert "CRM ['Then edited', 'of account B']" in out, (out, done.stderr[-2000:])
    assert "SF ['Tag removed by a person']" in out, out
    assert "another account" in out and "changed since" in out and "run tag" in out, out


UNREACHABLE = {
    "Crmoffice token URL https://unreachable.invalid/token": {
        "TALKQA_CRM_TOKEN_URL": "https://unreachable.invalid/token"
    },
    "Salesforce login at nohost--x.sandbox.my.salesforce.com": {
        "TALKQA_SF_DOMAIN": "nohost--x.sandbox.my"
    },
    "Salesforce unreachable.invalid": {
        "TALKQA_SF_AUTH": "session",
        "TALKQA_SF_SESSION_ID": "00Dx!session",
        "TALKQA_SF_INSTANCE_URL": "https://unreachable.invalid",
    },
    "Salesforce refused the session": {
        "TALKQA_SF_AUTH": "session",
        "TALKQA_SF_SESSION_ID": "00Dx!expired",
        "TALKQA_SF_INSTANCE_URL": seam.INSTANCE_URL,
    },
}
# The talkqa commands, as a user starts them: a process each. The checklist ("pytest") runs in
# this process, through sandbox_checklist.
COMMANDS = {
    "sync": [PYTHON, "-m", "harness.cli", "sync", "--target", "sandbox", "--once"],
    "sweep": [PYTHON, "-m", "harness.cli", "sweep", "--older-than", "2h"],
}


@pytest.mark.parametrize("command", sorted(["pytest", *COMMANDS]))
@pytest.mark.parametrize("expected", sorted(UNREACHABLE))
def test_an_unreachable_host_or_expired_session_is_one_line_and_exit_2(
    sandbox_checklist: SandboxRun, tmp_path: Path, expected: str, command: str
) -> None:
    """Issue 14, item 4: these printed INTERNALERROR (pytest, exit 3) or a traceback (exit 1)."""
    if command == "pytest":
        ran = sandbox_checklist("-p", "no:xdist", "-k", "one_linked", **UNREACHABLE[expected])
        returncode, output = ran.ret, text([*ran.outlines, *ran.errlines]).strip().splitlines()
    else:
        done = _run(COMMANDS[command], _env(tmp_path, **UNREACHABLE[expected]))
        returncode, output = done.returncode, (done.stdout + done.stderr).strip().splitlines()
    assert returncode == 2, output[-5:]
    assert len(output) == 1 and expected in output[0], output


def test_conflict_rows_run_on_a_sandbox_as_real_edits_in_order(
    sandbox_checklist: SandboxRun,
) -> None:
    """Issue 13: every timed row was skipped on a sandbox. An edit at a chosen clock time
    cannot be arranged on a real system, but the order of two real edits can: the rows minutes
    apart now run (edit, wait past the timestamp precision, edit); rows closer than a second
    stay mock-only, and say so."""
    done = sandbox_checklist("-p", "no:xdist", "-k", "resolves_to_the_later_edit", "-rs")
    assert done.ret == 0, tail(done.outlines)
    done.assert_outcomes(passed=2, skipped=4)
    reasons = [line for line in done.outlines if line.startswith("SKIPPED")]
    assert len(reasons) == 4 and all("mock-only: edits" in line for line in reasons), reasons


def test_a_real_order_conflict_row_still_catches_an_engine_that_never_writes_back(
    sandbox_checklist: SandboxRun,
) -> None:
    """The rows run on a sandbox keep their power: an engine that never writes to Salesforce
    loses the row where Crmoffice was edited later, and only that one."""
    done = sandbox_checklist(
        "-p",
        "no:xdist",
        "-k",
        "resolves_to_the_later_edit",
        "--sync-engine",
        "harness.engine.broken:no_write_back",
    )
    assert done.ret == 1, tail(done.outlines)
    done.assert_outcomes(failed=1, passed=1, skipped=4)
    failed = [line for line in done.outlines if line.startswith("FAILED")]
    assert len(failed) == 1 and "Crmoffice edited later" in failed[0], failed


def test_each_xdist_worker_tags_with_the_runs_id_and_its_own_name(
    sandbox_checklist: SandboxRun, tmp_path: Path
) -> None:
    """Issue 13: -n 4 on a sandbox, each worker with its own run tag. The controller hands its
    run id to the workers through xdist's workerinput (issue 16: it was written to os.environ).
    The controller runs in this process; its two workers are processes of their own, each with
    its own seam fakes, as they were under a controller of its own."""
    done = sandbox_checklist("-k", "one_linked or Phone", workers=("-n", "2"))
    assert done.ret == 0, tail(done.outlines, 2000)
    lines = (tmp_path / "ledger.jsonl").read_text("utf-8").splitlines()
    runs = {json.loads(line)["run_id"] for line in lines}
    assert {run.rsplit("-", 1)[1] for run in runs} == {"gw0", "gw1"}, runs
    assert len({run.rsplit("-", 1)[0] for run in runs}) == 1, runs  # one run, two workers
