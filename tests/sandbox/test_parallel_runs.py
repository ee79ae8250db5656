"""Sandbox runs side by side (-n 4): each worker's own run tag, one ledger for all (issue 13).

Several workers share one org. Each tags its records with its own run id, and the engine's scope
and the observer take only that tag, so a worker never copies, links or counts another's
records. All of them append to one ledger file, which must stay whole.
"""

from __future__ import annotations

import multiprocessing
from datetime import UTC, datetime, timedelta
from pathlib import Path

from harness.dataflow import load_spec
from harness.engine import EngineContext, create_engine
from harness.qa.clients import CrmofficeQaClient, SalesforceQaClient
from harness.qa.factories import RecordFactory
from harness.qa.observe import Observer
from harness.qa.systems import CrmofficeSystem, QaSystem, SalesforceSystem
from harness.sandbox.config import load_config
from harness.sandbox.ledger import Entry, RunLedger
from harness.sandbox.seam import SandboxFakes, seam_environment
from harness.targets import SandboxTarget

REPO = Path(__file__).resolve().parents[2]
SPEC = load_spec(REPO / "fixtures" / "dataflows" / "salesforce-to-crmoffice.rst")
WORKERS, LINES = 4, 150


def _append(path: str, worker: int) -> None:
    ledger = RunLedger(Path(path))
    for n in range(LINES):
        at = datetime(2026, 1, 5, tzinfo=UTC) + timedelta(seconds=n)
        ledger.created(Entry(f"run-gw{worker}", "crmoffice", "contacts", f"{worker}-{n}", at))


def test_workers_appending_to_one_ledger_leave_every_line_whole(tmp_path: Path) -> None:
    path = tmp_path / "ledger.jsonl"
    context = multiprocessing.get_context("spawn")
    workers = [context.Process(target=_append, args=(str(path), w)) for w in range(WORKERS)]
    for worker in workers:
        worker.start()
    for worker in workers:
        worker.join(timeout=60)
        assert worker.exitcode == 0
    pending = RunLedger(path).pending()
    assert len(pending) == WORKERS * LINES
    assert {e.run_id for e in pending} == {f"run-gw{w}" for w in range(WORKERS)}


def _worker(tmp_path: Path, fakes: SandboxFakes, run_id: str) -> SandboxTarget:
    env = {**seam_environment(), "TALKQA_LEDGER": str(tmp_path / "ledger.jsonl")}
    return SandboxTarget(load_config(env), run_id=run_id, fakes=fakes, cleanup=False)


def test_a_workers_engine_and_observer_never_take_another_workers_records(
    tmp_path: Path,
) -> None:
    fakes = SandboxFakes()
    mine, theirs = _worker(tmp_path, fakes, "run-gw0"), _worker(tmp_path, fakes, "run-gw1")
    with mine, theirs:
        onboarded = mine.clock.now() - timedelta(seconds=1)
        made = {}
        for target in (mine, theirs):
            sf = SalesforceQaClient.login(
                target.salesforce_settings(), session=target.new_session()
            )
            made[target.run_id] = sf.create(
                "Contact", target.record_factory(1).salesforce("Contact")
            )
        context = EngineContext(
            mine.salesforce_settings(),
            mine.crmoffice_settings(),
            tmp_path / "state.sqlite",
            session_factory=mine.new_session,
            scope=mine.sync_scope(onboarded),
        )
        engine = create_engine(context)
        report = engine.run_cycle()
        engine.close()
        # Only this worker's Contact was copied; the other worker's stays its own.
        assert [r["familyName"] for r in fakes.crmoffice.records("contacts")] == [
            fakes.salesforce.get("Contact", made["run-gw0"])["LastName"]
        ]
        assert report.total("inserted") == 1
        scope = mine.run_scope()
        factory = RecordFactory()
        systems: dict[str, QaSystem] = {
            "Salesforce": SalesforceSystem(
                SalesforceQaClient.login(mine.salesforce_settings(), session=mine.new_session()),
                factory,
                scope.salesforce_where,
            ),
            "Crmoffice": CrmofficeSystem(
                CrmofficeQaClient(mine.crmoffice_settings(), session=mine.new_session()),
                factory,
                scope.crmoffice_made,
            ),
        }
        seen = Observer(SPEC, systems, onboarded, scope).observe(mine.clock.now())
        assert set(seen.of("Salesforce")) == {("Contact", made["run-gw0"])}
        assert len(seen.of("Crmoffice")) == 1
