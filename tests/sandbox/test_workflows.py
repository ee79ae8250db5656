"""The GitHub workflows parse and do what the issue asks: fakes on PRs, secrets only on sandbox."""

from __future__ import annotations

import re
from typing import Any

import yaml

from harness.sandbox.config import SECRET_VARIABLES
from tests.sandbox.conftest import REPO

WORKFLOWS = REPO / ".github" / "workflows"


def _load(name: str) -> dict[Any, Any]:
    data = yaml.safe_load((WORKFLOWS / name).read_text("utf-8"))
    assert isinstance(data, dict)
    return data


def _triggers(workflow: dict[Any, Any]) -> dict[str, Any]:
    # PyYAML reads the bare key `on` as True (YAML 1.1).
    return dict(workflow.get("on") or workflow[True])


def _runs(job: dict[str, Any]) -> str:
    return "\n".join(str(step.get("run", "")) for step in job["steps"])


def _uses(job: dict[str, Any]) -> list[str]:
    return [str(step["uses"]) for step in job["steps"] if "uses" in step]


def test_pull_request_runs_the_checklist_on_the_fakes_and_keeps_the_evidence() -> None:
    workflow = _load("pull-request.yml")
    assert "pull_request" in _triggers(workflow)
    job = workflow["jobs"]["checklist"]
    runs = _runs(job)
    for command in (
        "pip install -e '.[dev]'",
        "npm ci",
        "talkqa features check",
        "pytest features/",
        "--alluredir",
        "--junitxml",
        "talkqa signoff",
        "--gate",
        "npx --no-install allure generate",
    ):
        assert command in runs, command
    assert "--target sandbox" not in runs
    upload = next(
        s for s in job["steps"] if str(s.get("uses", "")).startswith("actions/upload-artifact@")
    )
    paths = upload["with"]["path"]
    for folder in ("reports/allure-results", "reports/allure-report", "reports/junit"):
        assert folder in paths
    assert upload["if"] == "${{ !cancelled() }}"
    assert "secrets." not in (WORKFLOWS / "pull-request.yml").read_text("utf-8")
    assert ".ci/run" in _runs(workflow["jobs"]["harness-tests"])


def test_gate_decides_even_when_the_checklist_step_failed() -> None:
    steps = _load("pull-request.yml")["jobs"]["checklist"]["steps"]
    names = [s.get("name", "") for s in steps]
    checklist = steps[names.index("Checklist on the fakes")]
    gate = steps[names.index("Sign-off gate")]
    assert checklist.get("continue-on-error") is True
    assert "--gate" in gate["run"] and "continue-on-error" not in gate


def test_sandbox_workflow_is_scheduled_serialised_and_uses_secrets() -> None:
    workflow = _load("sandbox.yml")
    triggers = _triggers(workflow)
    assert "schedule" in triggers and "workflow_dispatch" in triggers
    assert "pull_request" not in triggers  # secrets never reach code from a fork
    assert workflow["concurrency"]["group"] == "talkqa-sandbox"
    assert workflow["concurrency"]["cancel-in-progress"] is False
    env = workflow["env"]
    for name in (*SECRET_VARIABLES, "TALKQA_SF_ALLOWED_ORG_IDS", "TALKQA_CRM_ALLOWED_BASE_URLS"):
        assert env[name] == f"${{{{ secrets.{name} }}}}", name
    job = workflow["jobs"]["checklist-on-sandbox"]
    runs = _runs(job)
    assert "pytest features/ -q --target sandbox" in runs
    assert re.search(r"talkqa sweep --older-than \d+[smhd]", runs)
    sweep_after = next(
        s for s in job["steps"] if "talkqa sweep --older-than 0s" in s.get("run", "")
    )
    assert sweep_after["if"] == "${{ always() }}"
    assert "actions/cache/restore@v4" in _uses(job) and "actions/cache/save@v4" in _uses(job)


def test_no_workflow_switches_on_the_test_seam() -> None:
    for path in WORKFLOWS.glob("*.yml"):
        assert "TALKQA_SANDBOX_FAKES" not in path.read_text("utf-8"), path.name


def test_env_example_lists_every_variable_without_values() -> None:
    example = (REPO / ".env.example").read_text("utf-8")
    names = set(re.findall(r"^(TALKQA_\w+)=", example, re.MULTILINE))
    source = "".join(p.read_text("utf-8") for p in (REPO / "harness" / "sandbox").glob("*.py"))
    used = set(re.findall(r'"(TALKQA_(?:SF|CRM)_\w+)"', source))
    assert used <= names, used - names
    for name in SECRET_VARIABLES:
        assert re.search(rf"^{name}=$", example, re.MULTILINE), name
