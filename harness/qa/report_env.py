"""The Allure environment widget: what ran against what, so a sign-off names its evidence.

write_environment(Path("reports/allure-results"), pytest_config, spec)
"""

from __future__ import annotations

import platform
from pathlib import Path
from typing import Any

from harness.connectors.settings import DEFAULT_SALESFORCE_API_VERSION
from harness.redact import Redactor
from harness.spec import DataflowSpec


def environment(config: Any, spec: DataflowSpec) -> dict[str, str]:
    document = Path(config.getoption("--document"))
    return {
        "Target": config.getoption("--target"),
        "Sync engine": config.getoption("--sync-engine"),
        "Salesforce API version": DEFAULT_SALESFORCE_API_VERSION,
        "Dataflow document": document.name,
        "Document title": spec.title,
        "Document generated": spec.generated.isoformat(sep=" "),
        "Document sha256": spec.content_hash,
        "Python": platform.python_version(),
    }


def write_environment(
    results_dir: Path, config: Any, spec: DataflowSpec, redactor: Redactor | None = None
) -> None:
    results_dir.mkdir(parents=True, exist_ok=True)
    mask = (redactor or Redactor()).text
    lines = [f"{_key(k)}={_value(mask(v))}" for k, v in environment(config, spec).items()]
    (results_dir / "environment.properties").write_text("\n".join(lines) + "\n", "utf-8")


def _key(text: str) -> str:
    # A .properties key ends at the first unescaped space, colon or equals sign.
    return _value(text).replace(" ", "\\ ").replace(":", "\\:").replace("=", "\\=")


def _value(text: str) -> str:
    return text.replace("\\", "\\\\")
