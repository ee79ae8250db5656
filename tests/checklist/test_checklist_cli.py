"""`talkqa features generate|check` against the committed features and edited copies.

    .venv/bin/pytest tests/checklist/test_checklist_cli.py -q
    .venv/bin/talkqa features check fixtures/dataflows/salesforce-to-crmoffice.rst

The check never writes: each test that points it at features/ compares a snapshot after.
"""

from __future__ import annotations

import re
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path

import pytest
from checklist_helpers import (
    DOCUMENT,
    DOCUMENT_NAME,
    FEATURES,
    REPO,
    TEST_CONTRACT_ARGS,
    run_cli,
    snapshot,
)

from harness.dataflow import load_spec
from harness.errors import ChecklistWriteError

CONTACT_FEATURE = (
    "features/generated/salesforce_to_crmoffice/salesforce_contact_to_crmoffice_contacts.feature"
)


@pytest.fixture(autouse=True)
def in_repo(monkeypatch: pytest.MonkeyPatch) -> None:
    """Generated headers show paths relative to the working directory, as from `make`."""
    monkeypatch.chdir(REPO)


def edited_copy(tmp_path: Path, edit: Callable[[str], str]) -> Path:
    copy = tmp_path / "salesforce-to-crmoffice.rst"
    copy.write_text(edit(DOCUMENT.read_text(encoding="utf-8")), encoding="utf-8")
    return copy


def has_row(diff: str, sign: str, *cells: str) -> bool:
    """A diff line adding (+) or removing (-) an Examples row with these cells, any padding."""
    pattern = re.escape(sign) + r"\s+\|\s*" + r"\s*\|\s*".join(map(re.escape, cells)) + r"\s*\|$"
    return re.search(pattern, diff, re.MULTILINE) is not None


def check_copy(copy: Path) -> tuple[int, str, str]:
    before = snapshot(FEATURES)
    result = run_cli(["features", "check", str(copy), *TEST_CONTRACT_ARGS])
    assert snapshot(FEATURES) == before, "check must never write"
    return result


def test_committed_features_match_the_document() -> None:
    code, out, err = run_cli(["features", "check", DOCUMENT_NAME])
    assert (code, err) == (0, ""), out
    assert out == f"3 feature files match {DOCUMENT_NAME}\n"


def test_check_fails_with_a_diff_when_a_property_row_is_added(tmp_path: Path) -> None:
    row = '   * - Email\n     - email\n     - "string"\n'
    code, out, err = check_copy(edited_copy(tmp_path, lambda text: text.rstrip("\n") + "\n" + row))
    assert code == 1
    assert f"--- {CONTACT_FEATURE} (on disk)" in out
    assert has_row(out, "+", "Email", "email", "string", "Åse Ødegård")
    assert "does not match" in err and "talkqa features generate" in err


def test_check_fails_with_a_diff_when_a_property_row_is_removed(tmp_path: Path) -> None:
    row = '   * - MobilePhone\n     - mobilePhone\n     - "string"\n'
    code, out, _ = check_copy(edited_copy(tmp_path, lambda text: text.replace(row, "")))
    assert code == 1
    assert has_row(out, "-", "MobilePhone", "mobilePhone", "string", "+47 912 34 567")


def test_check_fails_with_a_diff_when_a_property_row_is_renamed(tmp_path: Path) -> None:
    code, out, _ = check_copy(
        edited_copy(tmp_path, lambda text: text.replace("* - Phone", "* - Email"))
    )
    assert code == 1
    assert has_row(out, "-", "Phone", "directPhone", "string", "+47 912 34 567")
    assert has_row(out, "+", "Email", "directPhone", "string", "Åse Ødegård")


def test_bad_document_exits_2_with_one_line_and_no_traceback(tmp_path: Path) -> None:
    copy = edited_copy(tmp_path, lambda text: text.replace("- givenName", "- givenname"))
    result = subprocess.run(
        [sys.executable, "-m", "harness.cli", "features", "check", str(copy)],
        capture_output=True,
        text=True,
        cwd=REPO,
        check=False,
    )
    assert result.returncode == 2
    assert result.stdout == ""
    assert result.stderr.splitlines() == [
        f"talkqa: {copy}:58: Crmoffice Contacts has no property 'givenname' in "
        "fixtures/crmoffice-openapi.yaml; known: directPhone, familyName, givenName, mobilePhone"
    ]


def test_generate_exits_2_for_a_missing_document(tmp_path: Path) -> None:
    code, out, err = run_cli(
        ["features", "generate", str(tmp_path / "nope.rst"), "--out", str(tmp_path)]
    )
    assert (code, out) == (2, "")
    assert (
        err
        == f"talkqa: {tmp_path / 'nope.rst'}: no such file; expected a dataflow document (.rst)\n"
    )
    assert not (tmp_path / "generated").exists()


def test_generation_is_deterministic(tmp_path: Path) -> None:
    first, second = tmp_path / "one", tmp_path / "two"
    for out in (first, second, first):
        assert run_cli(["features", "generate", DOCUMENT_NAME, "--out", str(out)])[0] == 0
    assert snapshot(first) == snapshot(second)
    assert sorted(snapshot(first)) == [
        "generated/salesforce_to_crmoffice/salesforce_contact_to_crmoffice_contacts.feature",
        "generated/salesforce_to_crmoffice/salesforce_customer_to_crmoffice_contacts.feature",
        "generated/salesforce_to_crmoffice/salesforce_product2_to_crmoffice_companies.feature",
    ]


def test_generate_into_features_reproduces_the_committed_files(tmp_path: Path) -> None:
    out = tmp_path / "features"
    run_cli(["features", "generate", DOCUMENT_NAME, "--out", str(out)])
    assert snapshot(out / "generated") == snapshot(FEATURES / "generated")


def _mine(out: Path) -> Path:
    """The folder the document's generated files go to."""
    return out / "generated" / "salesforce_to_crmoffice"


def test_check_reports_missing_and_extra_files_and_ignores_others(tmp_path: Path) -> None:
    out = tmp_path / "features"
    run_cli(["features", "generate", DOCUMENT_NAME, "--out", str(out)])
    (_mine(out) / "salesforce_customer_to_crmoffice_contacts.feature").unlink()
    (_mine(out) / "salesforce_lead_to_crmoffice_contacts.feature").write_text("old\n")
    (out / "generated" / "hubspot_deal").mkdir()
    (out / "generated" / "hubspot_deal" / "hubspot_deal_to_crmoffice_deals.feature").write_text(
        "another document\n"
    )
    (out / "handwritten").mkdir()
    (out / "handwritten" / "deletes.feature").write_text("by hand\n")
    code, diff, _ = run_cli(["features", "check", DOCUMENT_NAME, "--out", str(out)])
    assert code == 1
    assert "--- /dev/null (missing)" in diff
    assert "salesforce_customer_to_crmoffice_contacts.feature (from the document)" in diff
    assert "+++ /dev/null (extra)" in diff and "-old" in diff
    assert "hubspot_deal" not in diff and "handwritten" not in diff


def test_generate_removes_stale_files_of_its_document_only(tmp_path: Path) -> None:
    """Issue 15: a second document's generate deleted the first one's files (the owned glob
    was per system pair). Each document owns its own folder under generated/."""
    out = tmp_path / "features"
    _mine(out).mkdir(parents=True)
    (_mine(out) / "salesforce_lead_to_crmoffice_contacts.feature").write_text("old\n")
    other = out / "generated" / "salesforce_individuals"
    other.mkdir()
    (other / "salesforce_individual_to_crmoffice_contacts.feature").write_text("another doc\n")
    (out / "generated" / "salesforce_contact_to_crmoffice_contacts.feature").write_text("loose\n")
    code, stdout, _ = run_cli(["features", "generate", DOCUMENT_NAME, "--out", str(out)])
    assert code == 0
    assert "removed" in stdout
    assert not (_mine(out) / "salesforce_lead_to_crmoffice_contacts.feature").exists()
    assert (other / "salesforce_individual_to_crmoffice_contacts.feature").read_text() == (
        "another doc\n"
    )
    assert (out / "generated" / "salesforce_contact_to_crmoffice_contacts.feature").read_text() == (
        "loose\n"
    )
    assert run_cli(["features", "check", DOCUMENT_NAME, "--out", str(out)])[0] == 0


def _generated_copy(tmp_path: Path) -> tuple[Path, dict[str, str]]:
    out = tmp_path / "features"
    assert run_cli(["features", "generate", DOCUMENT_NAME, "--out", str(out)])[0] == 0
    files = {p.name: p.read_text("utf-8") for p in _mine(out).glob("*.feature")}
    for name in files:  # make every file differ from what generate writes
        (_mine(out) / name).write_text("stale\n", "utf-8")
    return out, {name: "stale\n" for name in files}


def test_generate_with_a_folder_where_a_file_goes_changes_nothing(tmp_path: Path) -> None:
    """Issue 14, item 8: the other files were already rewritten when one could not be."""
    out, before = _generated_copy(tmp_path)
    blocked = _mine(out) / "salesforce_product2_to_crmoffice_companies.feature"
    blocked.unlink()
    blocked.mkdir()
    code, _, err = run_cli(["features", "generate", DOCUMENT_NAME, "--out", str(out)])
    assert code == 2 and "is a folder" in err and "nothing was changed" in err
    after = {p.name: p.read_text("utf-8") for p in _mine(out).glob("*.feature") if p.is_file()}
    assert after == {k: v for k, v in before.items() if k != blocked.name}
    assert not list(_mine(out).glob(".*.tmp"))


def test_generate_on_a_full_disk_leaves_no_file_cut_short(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Issue 14, item 8: with the disk full a .feature was left cut at 4,096 bytes."""
    import errno

    from harness.checklist import files

    out, before = _generated_copy(tmp_path)
    real, calls = files._staged, []

    def full_after_one(path: Path, text: str) -> Path:
        calls.append(path)
        if len(calls) > 1:
            raise OSError(errno.ENOSPC, "No space left on device")
        return real(path, text)

    monkeypatch.setattr(files, "_staged", full_after_one)
    spec = load_spec(DOCUMENT)
    with pytest.raises(ChecklistWriteError, match="No space left on device; nothing was changed"):
        files.write_features(files.plan_features(spec, DOCUMENT, out))
    after = {p.name: p.read_text("utf-8") for p in _mine(out).glob("*.feature")}
    assert after == before
    assert not list(_mine(out).glob(".*.tmp"))
