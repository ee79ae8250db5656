"""Errors of sandbox runs that harness.errors does not already have (both stop the run).

raise ApiBudgetError("Salesforce has 800 daily API requests left; the floor is 1000")
raise LeftoverRecordsError("cleanup left 2 records: Contact 003...; run talkqa sweep")
"""

from __future__ import annotations

from harness.errors import FatalError


class ApiBudgetError(FatalError):
    """The org's remaining daily API requests fell under the user's floor; stop, keep the rest."""


class LeftoverRecordsError(FatalError):
    """Cleanup could not delete every record the run made; they stay in the ledger for sweep."""
