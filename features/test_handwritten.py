"""The hand-written checklist (features/handwritten/): items the dataflow document leaves out.

    .venv/bin/pytest features/test_handwritten.py -m handwritten
    .venv/bin/pytest features/ -m "document-gap"

Step definitions live in steps/ (loaded by features/conftest.py).
"""

from __future__ import annotations

from pytest_bdd import scenarios

scenarios("handwritten")
