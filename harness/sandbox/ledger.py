"""The run ledger: every record a sandbox run created, appended as it happens (JSON lines).

    ledger = RunLedger(Path("reports/sandbox-ledger.jsonl"))
    ledger.created(Entry("20260105T090000Z-ab12cd", "crmoffice", "contacts", "100001", now))

Crmoffice contacts have no free field to carry a run tag (every property is mapped), so the
ledger is how teardown and `talkqa sweep` find them; Salesforce records carry the tag as well.
A line is written the moment a create is answered, so even a killed run leaves its trail.
"""

from __future__ import annotations

import json
import secrets
import threading
from dataclasses import asdict, dataclass
from datetime import UTC, datetime
from pathlib import Path


def new_run_id(now: datetime | None = None) -> str:
    """Sortable and short: '20260105T090000Z-ab12cd' (a tag must fit Individual.FirstName)."""
    moment = (now or datetime.now(UTC)).astimezone(UTC)
    return f"{moment:%Y%m%dT%H%M%SZ}-{secrets.token_hex(3)}"


@dataclass(frozen=True)
class Entry:
    run_id: str
    system: str  # "salesforce" or "crmoffice"
    type_name: str  # Salesforce object ("Contact") or Crmoffice API type ("contacts")
    record_id: str
    at: datetime

    @property
    def key(self) -> tuple[str, str, str]:
        return (self.system, self.type_name, self.record_id)

    def describe(self) -> str:
        when = f"{self.at.astimezone(UTC):%Y-%m-%d %H:%M}Z"
        return f"{self.system} {self.type_name} {self.record_id} (run {self.run_id}, {when})"


class RunLedger:
    def __init__(self, path: Path) -> None:
        self.path = path
        self._lock = threading.Lock()

    def created(self, entry: Entry) -> None:
        self._append("created", entry)

    def deleted(self, entry: Entry) -> None:
        self._append("deleted", entry)

    def pending(self) -> list[Entry]:
        """Records created and not yet deleted, oldest first."""
        alive: dict[tuple[str, str, str], Entry] = {}
        for event, entry in self._read():
            if event == "created":
                alive[entry.key] = entry
            else:
                alive.pop(entry.key, None)
        return sorted(alive.values(), key=lambda e: e.at)

    def _append(self, event: str, entry: Entry) -> None:
        line = json.dumps({"event": event, **asdict(entry), "at": entry.at.isoformat()})
        with self._lock:
            self.path.parent.mkdir(parents=True, exist_ok=True)
            # One short write per line in append mode: parallel workers do not interleave.
            with self.path.open("a", encoding="utf-8") as stream:
                stream.write(line + "\n")

    def _read(self) -> list[tuple[str, Entry]]:
        if not self.path.is_file():
            return []
        rows = []
        for line in self.path.read_text("utf-8").splitlines():
            if line.strip():
                raw = json.loads(line)
                event = raw.pop("event")
                rows.append((event, Entry(**{**raw, "at": datetime.fromisoformat(raw["at"])})))
        return rows
