"""`talkqa sync --target sandbox`: one line and exit 2 for bad credentials; a cycle on the seam."""

from __future__ import annotations

import pytest

from harness.cli import main
from harness.sandbox.seam import CRM_CLIENT_SECRET, shared_fakes


def test_missing_variable(
    seam_env: dict[str, str], monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.delenv("TALKQA_SF_SECURITY_TOKEN")
    assert main(["sync", "--target", "sandbox"]) == 2
    assert capsys.readouterr().err.splitlines() == [
        "talkqa: TALKQA_SF_SECURITY_TOKEN is not set (needed for TALKQA_SF_AUTH=password);"
        " see README 'Running against sandboxes'"
    ]


def test_wrong_crmoffice_secret(
    seam_env: dict[str, str], monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.setenv("TALKQA_CRM_CLIENT_SECRET", "wrong-secret-123")
    assert main(["sync", "--target", "sandbox"]) == 2
    err = capsys.readouterr().err
    assert err.startswith("talkqa: Crmoffice token") and len(err.splitlines()) == 1
    assert "wrong-secret-123" not in err


def test_production_org(
    seam_env: dict[str, str], monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.setenv("TALKQA_SANDBOX_FAKES_PRODUCTION", "1")
    assert main(["sync", "--target", "sandbox"]) == 2
    assert "is not a sandbox" in capsys.readouterr().err
    fakes = shared_fakes(seam_env | {"TALKQA_SANDBOX_FAKES_PRODUCTION": "1"})
    assert fakes is not None and fakes.crmoffice.calls.count() == 0


def test_a_cycle_on_the_seam_ledgers_what_the_engine_created(
    seam_env: dict[str, str], capsys: pytest.CaptureFixture[str]
) -> None:
    fakes = shared_fakes(seam_env)
    assert fakes is not None
    fakes.salesforce.insert("Contact", {"LastName": "Nordmann", "Title": "talkqa:x"})
    assert main(["sync", "--target", "sandbox"]) == 0
    captured = capsys.readouterr()
    assert "1 records created" in captured.err and "talkqa sweep" in captured.err
    assert CRM_CLIENT_SECRET not in captured.out + captured.err
    assert [r["familyName"] for r in fakes.crmoffice.records("contacts")] == ["Nordmann"]
