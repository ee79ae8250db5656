"""The Allure environment widget: what ran against what, so a sign-off names its evidence.

write_environment(Path("reports/allure-results"), pytest_config, documents)
"""

from __future__ import annotations

import platform
from pathlib import Path
from typing import Any

from harness.connectors.settings import DEFAULT_SALESFORCE_API_VERSION
from harness.qa.documents import Documents
from harness.redact import Redactor


def environment(config: Any, documents: Documents) -> dict[str, str]:
    values = {
        "Target": config.getoption("--target"),
        "Sync engine": config.getoption("--sync-engine"),
        "Salesforce API version": DEFAULT_SALESFORCE_API_VERSION,
    }
    many = len(documents.all) > 1
    for document in documents.all:
        spec = document.spec
        suffix = f" ({document.folder})" if many else ""
        values.update(
            {
                f"Dataflow document{suffix}": document.path.name,
                f"Document title{suffix}": spec.title,
                f"Document generated{suffix}": spec.generated.isoformat(sep=" "),
                f"Document sha256{suffix}": spec.content_hash,
            }
        )
    values["Python"] = platform.python_version()
    return values


def write_environment(
    results_dir: Path, config: Any, documents: Documents, redactor: Redactor | None = None
) -> None:
    results_dir.mkdir(parents=True, exist_ok=True)
    mask = (redactor or Redactor()).text
    lines = [f"{_key(k)}={_value(mask(v))}" for k, v in environment(config, documents).items()]
    (results_dir / "environment.properties").write_text("\n".join(lines) + "\n", "utf-8")


def _key(text: str) -> str:
    # A .properties key ends at the first unescaped space, colon or equals sign.
    return _value(text).replace(" ", "\\ ").replace(":", "\\:").replace("=", "\\=")


def _value(text: str) -> str:
    return text.replace("\\", "\\\\")
