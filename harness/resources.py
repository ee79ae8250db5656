"""Where talkqa's own files are, found from the package, never from the working directory.

    load_spec(resources.DEFAULT_DOCUMENT); resources.shown(path)   # 'fixtures/dataflows/x.rst'

`cd /tmp && <repo>/.venv/bin/pytest <repo>/features` and `talkqa features check` run from any
folder, so a relative default would name whatever the shell happens to be in.
"""

from __future__ import annotations

import os
import sys
from pathlib import Path

REPO_ROOT = Path(__file__).resolve().parents[1]


def _fixtures() -> Path:
    """A checkout's fixtures/, else an installed package's copy under <prefix>/share/talkqa
    (pyproject.toml's data-files): the prefix of this interpreter, or of the site-packages
    the package was installed into (pip install --prefix)."""
    site = Path(__file__).resolve().parents[1]  # <prefix>/lib/pythonX.Y/site-packages
    prefixes = [Path(sys.prefix), *site.parents[2:3]]
    candidates = [REPO_ROOT / "fixtures", *(p / "share" / "talkqa" / "fixtures" for p in prefixes)]
    return next((path for path in candidates if path.is_dir()), candidates[0])


FIXTURES = _fixtures()
DESCRIBE_DIR = FIXTURES / "salesforce" / "describe"
CRMOFFICE_CONTRACT = FIXTURES / "crmoffice-openapi.yaml"
DATAFLOWS = FIXTURES / "dataflows"
DEFAULT_DOCUMENT = DATAFLOWS / "salesforce-to-crmoffice.rst"
FEATURES = REPO_ROOT / "features"
REPORTS = REPO_ROOT / "reports"


def shown(path: Path) -> str:
    """A path as headers and messages name it: relative to the repository root when inside it
    (the same on every machine and from every folder), else absolute; / separated."""
    resolved = path.resolve()
    try:
        return resolved.relative_to(REPO_ROOT).as_posix()
    except ValueError:
        return Path(os.path.abspath(resolved)).as_posix()
