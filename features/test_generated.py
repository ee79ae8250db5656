"""The generated checklist (features/generated/, from the dataflow document).

    .venv/bin/pytest features/test_generated.py -m flow-contact-to-contacts
    .venv/bin/talkqa features check fixtures/dataflows/salesforce-to-crmoffice.rst

Step definitions live in steps/ (loaded by features/conftest.py).
"""

from __future__ import annotations

from pytest_bdd import scenarios

scenarios("generated")
