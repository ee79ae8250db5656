"""Allure results for checklist scenarios that did not run, so no run can look complete.

    write_not_run(results_dir, NotRun(name, full_name, labels, parameters, reason))

pytest reports nothing for a deselected test, so a `-m critical` run used to show a green 100%
on the report's landing page while items never ran. Each such scenario gets a result of its own
with status "skipped" and the reason, in the shape allure-pytest-bdd writes (the same
testCaseId and historyId the scenario has when it runs, so history lines up).
"""

from __future__ import annotations

import hashlib
import json
import time
import uuid
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path


@dataclass(frozen=True)
class NotRun:
    name: str
    full_name: str  # feature path:scenario name, as allure-pytest-bdd builds it
    labels: Sequence[tuple[str, str]]
    parameters: Mapping[str, str]
    reason: str


def _md5(*parts: str) -> str:
    digest = hashlib.md5(usedforsecurity=False)
    for part in parts:
        digest.update(part.encode("utf-8"))
    return digest.hexdigest()


def write_not_run(results_dir: Path, item: NotRun) -> Path:
    test_case_id = _md5(item.full_name)
    values = [str(item.parameters[name]) for name in sorted(item.parameters)]
    now = int(time.time() * 1000)
    result = {
        "uuid": str(uuid.uuid4()),
        "name": item.name,
        "fullName": item.full_name,
        "testCaseId": test_case_id,
        "historyId": f"{test_case_id}.{_md5(*values)}",
        "status": "skipped",
        "statusDetails": {"message": item.reason},
        "start": now,
        "stop": now,
        "labels": [{"name": name, "value": value} for name, value in item.labels],
        "parameters": [{"name": k, "value": v} for k, v in item.parameters.items()],
    }
    results_dir.mkdir(parents=True, exist_ok=True)
    path = results_dir / f"{result['uuid']}-result.json"
    path.write_text(json.dumps(result, ensure_ascii=False), "utf-8")
    return path


def deselection_reason(markexpr: str, keyword: str) -> str:
    """Why pytest left a scenario out, in the words of the options that did it."""
    chosen = [f'{flag} "{value}"' for flag, value in (("-m", markexpr), ("-k", keyword)) if value]
    if not chosen:
        return "deselected (by an option or plugin of this pytest run)"
    return f"deselected by {' and '.join(chosen)}; run without it for sign-off"
