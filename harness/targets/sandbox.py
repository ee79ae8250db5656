"""Real sandboxes (or the test seam's fakes at sandbox hosts) as a checklist target.

with SandboxTarget(load_config(env), run_id=new_run_id()) as target:  # guard, then cleanup
    target.new_session()   # recorded in the run ledger, counted against the API budget
"""

from __future__ import annotations

from contextlib import ExitStack
from dataclasses import replace
from datetime import datetime
from pathlib import Path
from types import TracebackType
from typing import Any

import requests

from harness.clock import Clock, SystemClock
from harness.connectors.base import SyncScope
from harness.connectors.settings import CrmofficeSettings, SalesforceSettings, TokenCache
from harness.errors import AuthenticationError
from harness.fidelity.recorder import CassetteRecorder
from harness.fidelity.secrets import check_no_secrets
from harness.qa.clients import CrmofficeQaClient, SalesforceQaClient
from harness.qa.factories import RecordFactory
from harness.qa.observe import RunScope
from harness.sandbox.budget import ApiBudget
from harness.sandbox.cleanup import delete_entries, still_in_salesforce
from harness.sandbox.config import SandboxConfig, login_variables
from harness.sandbox.errors import LeftoverRecordsError
from harness.sandbox.guard import OrgIdentity, check_crmoffice, check_salesforce
from harness.sandbox.ledger import RunLedger
from harness.sandbox.recorder import CreateRecorder
from harness.sandbox.seam import SandboxFakes
from harness.sandbox.sessions import RunSession
from harness.sandbox.tagging import TAGGED_OBJECTS, TaggedRecordFactory, tag_condition


class SandboxTarget:
    """Real sandboxes (or the test seam's fakes at sandbox hosts), guarded and cleaned up.

    Entering checks both systems before anything is written (production guard, API budget);
    leaving deletes every record the target's sessions created, even after a failure.
    """

    name = "sandbox"
    waits_for_real = True  # a real Retry-After is a real limit

    def __init__(
        self,
        config: SandboxConfig,
        *,
        run_id: str,
        fakes: SandboxFakes | None = None,
        cleanup: bool = True,
        poll_timeout: float = 60.0,
        run_session: RunSession | None = None,
        run_tokens: TokenCache | None = None,
        org: OrgIdentity | None = None,
        record_to: Path | None = None,
    ) -> None:
        self.config = config
        self.run_id = run_id
        # One Salesforce login for the whole run: later targets of the run are handed the
        # first one's session, and the org it already guarded (so no second guard either).
        self.run_session = run_session or RunSession(
            config.salesforce, session_factory=lambda: self._session(record=False)
        )
        self.run_tokens = run_tokens or TokenCache()  # and one Crmoffice token
        self.clock: Clock = SystemClock()
        self.poll_timeout = poll_timeout
        self.budget = ApiBudget(config.min_remaining)
        self.ledger = RunLedger(config.ledger_path)
        self.recorder = CreateRecorder(self.ledger, run_id, crm_base_url=config.crmoffice.base_url)
        self.org: OrgIdentity | None = org
        if org is not None:
            self.recorder.salesforce_org = org.org_id
        self._fakes = fakes
        self._cleanup = cleanup
        self._stack = ExitStack()
        # --record DIR: every exchange of this target's sessions, secrets filtered as recorded.
        self.cassette = CassetteRecorder(record_to, secrets=self.secrets) if record_to else None

    def __enter__(self) -> SandboxTarget:
        if self._fakes is not None:
            self._stack.enter_context(self._fakes.activated())
        try:
            if self.org is None:
                self._guard()
        except BaseException:
            self._stack.close()
            raise
        return self

    def _guard(self) -> None:
        # Crmoffice first: it needs no call. The Organization query's Sforce-Limit-Info also
        # checks the budget, so a run under the floor stops before its first write.
        check_crmoffice(self.config.crmoffice, self.config.allowed_crm_base_urls)
        try:
            client = self.salesforce_client()
        except AuthenticationError as error:
            raise AuthenticationError(f"{error}; check {login_variables(self.config)}") from None
        self.org = check_salesforce(client, self.config.allowed_org_ids)
        self.recorder.salesforce_org = self.org.org_id
        try:
            CrmofficeQaClient(self.config.crmoffice, session=self.new_session()).authenticate()
        except AuthenticationError as error:
            raise AuthenticationError(
                f"{error}; check TALKQA_CRM_CLIENT_ID, TALKQA_CRM_CLIENT_SECRET"
            ) from None

    def __exit__(
        self,
        exc_type: type[BaseException] | None = None,
        exc: BaseException | None = None,
        tb: TracebackType | None = None,
    ) -> None:
        with self._stack:
            try:
                if self._cleanup:
                    self.clean_up(raise_leftovers=exc is None)
            finally:
                self._save_cassette()

    def _save_cassette(self) -> None:
        """Write the cassette (cleanup's deletes included), then prove no secret is in it."""
        if self.cassette is None or not self.cassette.interactions():
            return
        check_no_secrets(self.cassette.save(), self.secrets())

    def clean_up(self, *, raise_leftovers: bool = True) -> None:
        """Delete what this target created; LeftoverRecordsError names what stayed."""
        entries = list(self.recorder.entries)
        if not entries:
            return
        with self.budget.suspended():
            salesforce = self.salesforce_client(record=False)
            crmoffice = CrmofficeQaClient(
                self.crmoffice_settings(), session=self._session(record=False)
            )
            left = delete_entries(entries, salesforce, crmoffice, self.ledger)
            survivors = set(still_in_salesforce(entries, salesforce))
        left_ids = {e.record_id for e in left} | survivors
        if left_ids and raise_leftovers:
            raise LeftoverRecordsError(
                f"cleanup of run {self.run_id} left {len(left_ids)} records"
                f" ({', '.join(sorted(left_ids))}); they stay in {self.ledger.path} for"
                " `talkqa sweep`"
            )

    def salesforce_client(self, *, record: bool = True) -> SalesforceQaClient:
        return SalesforceQaClient.login(
            self.salesforce_settings(), session=self._session(record=record)
        )

    def salesforce_settings(self) -> SalesforceSettings:
        return self.run_session.shared()

    def crmoffice_settings(self) -> CrmofficeSettings:
        return replace(self.config.crmoffice, tokens=self.run_tokens)

    def new_session(self) -> requests.Session:
        return self._session(record=True)

    def _session(self, *, record: bool) -> requests.Session:
        session = requests.Session()
        if self.cassette is not None:
            self.cassette.instrument(session)
        # The recorder runs first: a budget stop must not hide a create that already happened.
        if record:
            session.hooks["response"].append(self.recorder.observe)
        session.hooks["response"].append(self.budget.observe)
        return session

    def secrets(self) -> list[str]:
        token = self.run_tokens.get()
        return [
            *self.config.secrets(),
            *self.run_session.session_ids(),
            *([token] if token else []),
        ]

    def record_factory(self, seed: int | None = None) -> RecordFactory:
        return TaggedRecordFactory(self.run_id, seed)

    def edit_at(
        self, system: str, object_name: str, record_id: str, values: dict[str, Any], at: datetime
    ) -> bool:
        return False  # a real system stamps an edit with its own clock

    def write_calls(self) -> None:
        return None  # a real system does not tell; "wrote nothing" falls back to stamps

    def edit_after_read(
        self, system: str, object_name: str, record_id: str, values: dict[str, Any]
    ) -> None:
        return None  # the engine's reads of a real system cannot be waited on from outside

    def sync_scope(self, onboarded_at: datetime) -> SyncScope:
        """Full Sync off, and only records with this run's tag: what the org held before, or
        other runs make beside this one, is never read into the engine's plan nor copied."""
        return SyncScope(onboarded_at=onboarded_at, salesforce_where=self._tagged())

    def embedded_fakes(self) -> None:
        return None  # real systems (or, in tests, fakes behind real-looking hosts: the seam)

    def run_scope(self) -> RunScope:
        return RunScope(
            salesforce_where=self._tagged(),
            crmoffice_made=self._crmoffice_made,
            objects_in_play_only=True,
        )

    def _tagged(self) -> dict[str, str]:
        return {name: tag_condition(name, self.run_id) for name in TAGGED_OBJECTS}

    def _crmoffice_made(self) -> set[tuple[str, int]]:
        return {
            (entry.type_name, int(entry.record_id))
            for entry in self.recorder.entries
            if entry.system == "crmoffice"
        }
