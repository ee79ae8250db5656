"""talkqa: a QA checklist harness for Sesam Talk data flows.

from harness.fakes import FakeWorld        # both systems, in memory
talkqa features check fixtures/dataflows/salesforce-to-crmoffice.rst
"""
