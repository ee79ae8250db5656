"""Two dataflow documents side by side, generated and run in one `pytest features/` (issue 15).

A second document (one flow, Product2 to Companies, as Talk writes one per subscription) used to
delete the first one's feature files on generate, and collection failed on its unknown flow
marker. Now each document owns features/generated/<document>/, its markers come from the
document, and one run judges each scenario against its own document, with a summary each.
"""

from __future__ import annotations

import json
import shutil
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest

REPO = Path(__file__).resolve().parents[2]
FIRST = REPO / "fixtures" / "dataflows" / "salesforce-to-crmoffice.rst"
BIN = Path(sys.executable).parent


def _products_only(folder: Path) -> Path:
    """The first document cut to its Product2 flow: the introduction, then that section."""
    lines = FIRST.read_text("utf-8").splitlines(keepends=True)
    start = next(i for i, line in enumerate(lines) if line.startswith("Salesforce Product2 to"))
    end = next(i for i, line in enumerate(lines) if line.startswith("Salesforce Contact to"))
    intro = next(i for i, line in enumerate(lines) if line.startswith("Salesforce Customer to"))
    path = folder / "salesforce-products.rst"
    path.write_text("".join(lines[:intro] + lines[start:end]), "utf-8")
    return path


def _run(*command: str, cwd: Path = REPO) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        list(command), cwd=cwd, capture_output=True, text=True, timeout=300, check=False
    )


def _features_folder(root: Path, *, handwritten: bool) -> Path:
    """A project folder of its own (its rootdir: the repository's pytest settings) with the
    repository's feature test modules and conftest, and its hand-written features if asked."""
    features = root / "features"
    features.mkdir()
    shutil.copy(REPO / "pyproject.toml", root / "pyproject.toml")
    modules = ["conftest.py", "test_generated.py"] + (
        ["test_handwritten.py"] if handwritten else []
    )
    for name in modules:
        shutil.copy(REPO / "features" / name, features / name)
    if handwritten:
        shutil.copytree(REPO / "features" / "handwritten", features / "handwritten")
    return features


def _checklist(
    features: Path, results: Path, *documents: Path, options: tuple[str, ...] = ()
) -> subprocess.CompletedProcess[str]:
    """`pytest features/` in the project folder around `features`, judged against `documents`,
    its Allure results in `results`."""
    judged = [arg for document in documents for arg in ("--document", str(document))]
    return _run(
        str(BIN / "pytest"),
        str(features),
        "-q",
        "-p",
        "no:xdist",
        *options,
        *judged,
        f"--alluredir={results}",
        cwd=features.parent,
    )


@pytest.fixture
def two(tmp_path: Path) -> tuple[Path, Path, Path]:
    """A features folder (the repository's test modules, conftest and hand-written features)
    with both documents generated into it."""
    features = _features_folder(tmp_path, handwritten=True)
    second = _products_only(tmp_path)
    done = _run(
        str(BIN / "talkqa"), "features", "generate", str(FIRST), str(second), "--out", str(features)
    )
    assert done.returncode == 0, done.stdout + done.stderr
    return features, FIRST, second


def test_each_document_has_its_folder_and_regenerating_one_leaves_the_other(
    two: tuple[Path, Path, Path],
) -> None:
    features, first, _ = two
    theirs = features / "generated" / "salesforce_products"
    before = {p.name: p.read_bytes() for p in theirs.glob("*.feature")}
    assert list(before) == ["salesforce_product2_to_crmoffice_companies.feature"]
    assert len(list((features / "generated" / "salesforce_to_crmoffice").glob("*.feature"))) == 3
    done = _run(str(BIN / "talkqa"), "features", "generate", str(first), "--out", str(features))
    assert done.returncode == 0, done.stderr
    assert {p.name: p.read_bytes() for p in theirs.glob("*.feature")} == before


def test_one_run_judges_each_scenario_against_its_own_document(
    two: tuple[Path, Path, Path], tmp_path: Path
) -> None:
    features, first, second = two
    results = tmp_path / "results"
    done = _checklist(
        features,
        results,
        first,
        second,
        options=("-m", "flow-product2-to-companies and generated"),
    )
    assert done.returncode == 0, done.stdout[-3000:] + done.stderr[-2000:]
    labels = [
        label["value"]
        for path in results.glob("*-result.json")
        for label in json.loads(path.read_text("utf-8"))["labels"]
        if label["name"] == "talkqa-document"
    ]
    # The Product2 items, once per document; the deselected others are each document's too.
    assert {"salesforce_to_crmoffice", "salesforce_products"} <= set(labels)
    signoff = _run(
        str(BIN / "talkqa"),
        "signoff",
        "--results",
        str(results),
        "--document",
        str(first),
        "--document",
        str(second),
    )
    assert signoff.returncode == 0, signoff.stdout + signoff.stderr
    assert "6 of 6 document checklist scenarios ran" in signoff.stdout  # the Product2 document
    assert "6 of 84 document checklist scenarios ran" in signoff.stdout  # the first, -m
    assert signoff.stdout.count("Verdict:") == 2


def _accounts_only(folder: Path) -> Path:
    """A document with one flow the bundled engine does not sync: Account to Companies."""
    path = _products_only(folder)
    text = path.read_text("utf-8").replace("Salesforce Product2", "Salesforce Account")
    lines = text.splitlines()
    heading = "Salesforce Account to Crmoffice Companies"
    lines[lines.index(heading) + 1] = "-" * len(heading)
    accounts = folder / "salesforce-accounts.rst"
    accounts.write_text("\n".join(lines) + "\n", "utf-8")
    path.unlink()
    return accounts


def test_a_flow_the_engine_does_not_sync_is_red_and_says_so(tmp_path: Path) -> None:
    """Issue 15: its items are product defects naming the missing flow, not errors."""
    features = _features_folder(tmp_path, handwritten=False)
    document = _accounts_only(tmp_path)
    made = _run(str(BIN / "talkqa"), "features", "generate", str(document), "--out", str(features))
    assert made.returncode == 0, made.stderr
    results = tmp_path / "results"
    done = _checklist(features, results, document)
    assert done.returncode == 1, done.stdout[-3000:]
    found = [json.loads(p.read_text("utf-8")) for p in results.glob("*-result.json")]
    red = [r for r in found if r["status"] == "failed"]
    assert len(red) == 5 and not [r for r in found if r["status"] == "broken"], [
        (r["name"], r["status"]) for r in found
    ]
    for result in red:
        message = result["statusDetails"]["message"]
        assert (
            "the engine under test has no flow from Salesforce Account to Crmoffice companies"
            in message
        ), message


DATA = Path(__file__).parent / "data"
REVERSE = DATA / "crmoffice-to-salesforce.rst"  # Crmoffice Companies -> Salesforce Account
BOTH_WAYS = DATA / "crmoffice-origin-flows.toml"  # the engine's flows for it and the seed


@pytest.fixture
def both_ways(tmp_path: Path) -> Path:
    """A features folder with the seed and a Crmoffice-to-Salesforce document generated in."""
    features = _features_folder(tmp_path, handwritten=True)
    done = _run(
        str(BIN / "talkqa"),
        "features",
        "generate",
        str(FIRST),
        str(REVERSE),
        "--out",
        str(features),
    )
    assert done.returncode == 0, done.stdout + done.stderr
    return features


def test_a_reverse_document_gets_the_checklist_with_the_roles_swapped(both_ways: Path) -> None:
    """Issue 15: Crmoffice the source, Salesforce the target, its third column Salesforce's."""
    feature = both_ways / "generated" / "crmoffice_to_salesforce"
    text = (feature / "crmoffice_companies_to_salesforce_account.feature").read_text("utf-8")
    assert "Given a Crmoffice Companies with <Crmoffice property>" in text
    assert "Then Salesforce holds exactly one Account record linked to it" in text
    assert "| Crmoffice property | Salesforce property | Salesforce data type |" in text
    # A tie goes to Salesforce (SYNC-SEMANTICS), whichever side of the document it is on.
    assert "same time: Salesforce wins" in text and "same time: Crmoffice wins" not in text
    # Account.Name is required in the target: clearing it is its own, dead-lettered item.
    assert "cannot empty the required Salesforce <Salesforce property>" in text
    assert "cleared to <empty> in Crmoffice is cleared in Salesforce" not in text


def test_regenerating_the_seed_leaves_the_reverse_documents_files(both_ways: Path) -> None:
    theirs = both_ways / "generated" / "crmoffice_to_salesforce"
    before = {p.name: p.read_bytes() for p in theirs.glob("*.feature")}
    assert before
    done = _run(str(BIN / "talkqa"), "features", "generate", str(FIRST), "--out", str(both_ways))
    assert done.returncode == 0, done.stderr
    assert {p.name: p.read_bytes() for p in theirs.glob("*.feature")} == before


def test_both_directions_run_in_one_checklist_and_pass(both_ways: Path, tmp_path: Path) -> None:
    """The seed's document and the reverse one, in one `pytest features/`, on an engine whose
    own mapping has a flow of Crmoffice origin beside the seed's three."""
    results = tmp_path / "results"
    # The two flows that meet in Crmoffice companies, one from each document: Product2 creates
    # companies, which the Crmoffice-origin flow must never send back as Accounts. (The seed's
    # whole checklist on the default engine is tests/checklist_quality's.)
    meeting = "flow-companies-to-account or flow-product2-to-companies"
    options = ("--engine-mapping", str(BOTH_WAYS), "--strict-markers", "-m", meeting)
    done = _checklist(both_ways, results, FIRST, REVERSE, options=options)
    assert done.returncode == 0, done.stdout[-3000:] + done.stderr[-2000:]
    found = [json.loads(p.read_text("utf-8")) for p in results.glob("*-result.json")]
    ran = [r for r in found if r["status"] != "skipped"]
    for document, least in (("crmoffice_to_salesforce", 20), ("salesforce_to_crmoffice", 6)):
        mine = [r for r in ran if {"name": "talkqa-document", "value": document} in r["labels"]]
        assert len(mine) >= least and all(_passed_or_a_gap(r) for r in mine), [
            (r["name"], r["status"]) for r in mine
        ]


def _passed_or_a_gap(result: dict[str, Any]) -> bool:
    """Passed, or a document gap held as a finding (Allure status unknown, issue 12)."""
    gap = {"name": "tag", "value": "document-gap"} in result["labels"]
    return result["status"] == "passed" or (gap and result["status"] == "unknown")


def test_the_reverse_flow_on_the_default_engine_is_red_and_says_so(
    both_ways: Path, tmp_path: Path
) -> None:
    """flows.toml has no flow of Crmoffice origin: the reverse items are product defects."""
    results = tmp_path / "results"
    done = _checklist(
        both_ways, results, FIRST, REVERSE, options=("-m", "flow-companies-to-account")
    )
    assert done.returncode == 1, done.stdout[-3000:]
    found = [json.loads(p.read_text("utf-8")) for p in results.glob("*-result.json")]
    linked = [r for r in found if r["name"].startswith("Every Crmoffice Companies gets")]
    assert [r["status"] for r in linked] == ["failed"], [(r["name"], r["status"]) for r in found]
    assert (
        "the engine under test has no flow from Crmoffice Companies to Salesforce Account"
        in linked[0]["statusDetails"]["message"]
    )


def test_one_document_given_leaves_the_other_documents_scenarios_out_and_says_so(
    both_ways: Path, tmp_path: Path
) -> None:
    """`--document REVERSE` with the seed's folder beside it stopped at collection with
    "'flow-…' not found in markers" (the seed's tags are declared from the seed). The seed's
    scenarios, generated and hand-written, are now deselected with one line saying why, and
    none of them gets a result in the report: they are another document's sign-off."""
    results = tmp_path / "results"
    options = ("--engine-mapping", str(BOTH_WAYS), "--strict-markers")
    done = _checklist(both_ways, results, REVERSE, options=options)
    assert done.returncode == 0, done.stdout[-3000:] + done.stderr[-2000:]
    line = next(x for x in done.stdout.splitlines() if "deselected, from a document" in x)
    assert "generated/salesforce_to_crmoffice/" in line and "handwritten/" in line, line
    assert "crmoffice-to-salesforce.rst" in line, line
    found = [json.loads(p.read_text("utf-8")) for p in results.glob("*-result.json")]
    documents = {
        label["value"] for r in found for label in r["labels"] if label["name"] == "talkqa-document"
    }
    assert documents == {"crmoffice_to_salesforce"}, documents
    assert len(found) >= 20 and all(_passed_or_a_gap(r) for r in found), [
        (r["name"], r["status"]) for r in found
    ]


def test_a_misspelt_tag_in_a_judged_feature_still_stops_collection(tmp_path: Path) -> None:
    """Declaring another document's tags must not let a typo through --strict-markers."""
    features = _features_folder(tmp_path, handwritten=True)
    made = _run(str(BIN / "talkqa"), "features", "generate", str(FIRST), "--out", str(features))
    assert made.returncode == 0, made.stderr
    deletes = features / "handwritten" / "deletes.feature"
    deletes.write_text(
        deletes.read_text("utf-8").replace(
            "@story-delete-in-crmoffice", "@story-delete-in-crmofice", 1
        ),
        "utf-8",
    )
    done = _checklist(features, tmp_path / "results", FIRST)
    assert done.returncode == pytest.ExitCode.INTERRUPTED, done.stdout[-2000:]
    assert "'story-delete-in-crmofice' not found in `markers`" in done.stdout + done.stderr
