"""A Sesam dataset: an append-only log of entity versions with change tracking.

    ds = FakeDataset("global-contact", clock); ds.append({"_id": "a", "name": "Ada"})  # True
    ds.append({"_id": "a", "name": "Ada"})  # False: same content hash, no new version

As D:hub/documentation/data-management/entity-data-model.html and D:hub/features/change-tracking
.html describe it: a version is appended only when the entity is new or its hash or `_deleted`
changed; `_updated` is the version's offset in the log (what `since` skips past), `_previous` the
offset of the version before it (null for the first), `_ts` the time it was stored (micros).
Other `_`-prefixed keys a writer sends are dropped; `$`-keys are content.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Any

from harness.clock import Clock

Entity = dict[str, Any]
_KEPT_RESERVED = ("_id", "_deleted")


@dataclass(frozen=True)
class EntityQuery:
    """The query parameters of GET /datasets/{id}/entities (swagger_public.yaml)."""

    since: int | None = None
    limit: int | None = None
    history: bool = True
    deleted: bool = True
    reverse: bool = False


class FakeDataset:
    def __init__(self, dataset_id: str, clock: Clock) -> None:
        self.id = dataset_id
        self._clock = clock
        self._log: list[Entity] = []
        self._latest: dict[str, Entity] = {}

    def append(self, entity: Mapping[str, Any]) -> bool:
        """Store a new version if the entity changed; whether it did."""
        content = _content(entity)
        digest = _hash(content)
        previous = self._latest.get(content["_id"])
        if previous is not None and previous["_hash"] == digest:
            return False
        version = {
            **content,
            "_updated": len(self._log),
            "_previous": None if previous is None else previous["_updated"],
            "_ts": int(self._clock.now().timestamp() * 1_000_000),
            "_hash": digest,
        }
        self._log.append(version)
        self._latest[content["_id"]] = version
        return True

    def extend(self, entities: Iterable[Mapping[str, Any]]) -> int:
        return sum(1 for entity in entities if self.append(entity))

    @property
    def end(self) -> int:
        """The offset the next version gets; a reader at `end` has seen everything."""
        return len(self._log)

    def changes_since(self, offset: int) -> list[Entity]:
        """The latest version of each entity changed at or after offset, in log order."""
        newest = {v["_id"]: v for v in self._log[offset:]}
        return [dict(v) for v in sorted(newest.values(), key=lambda v: v["_updated"])]

    def pending(self, offset: int) -> int:
        return max(0, self.end - offset)

    def get(self, entity_id: str) -> Entity | None:
        found = self._latest.get(entity_id)
        return None if found is None else dict(found)

    def latest(self) -> list[Entity]:
        return [dict(v) for v in self._latest.values()]

    def query(self, query: EntityQuery) -> list[Entity]:
        start = 0 if query.since is None else query.since + 1
        versions = self._log[start:] if query.history else self._latest_after(start)
        if not query.deleted:
            versions = [v for v in versions if not v.get("_deleted")]
        if query.reverse:
            versions = list(reversed(versions))
        if query.limit is not None:
            versions = versions[: query.limit]
        return [dict(v) for v in versions]

    def _latest_after(self, start: int) -> list[Entity]:
        latest = [v for v in self._latest.values() if v["_updated"] >= start]
        return sorted(latest, key=lambda v: v["_updated"])

    def runtime(self) -> dict[str, Any]:
        """The dataset's runtime as sesamclient's Dataset reads it (count-* and populated)."""
        deleted = sum(1 for v in self._latest.values() if v.get("_deleted"))
        return {
            "count-index-exists": len(self._latest),
            "count-index-deleted": deleted,
            "count-log-exists": len(self._log),
            "populated": bool(self._log),
        }

    def as_json(self) -> dict[str, Any]:
        return {"_id": self.id, "runtime": self.runtime()}


def _content(entity: Mapping[str, Any]) -> Entity:
    if not isinstance(entity.get("_id"), str) or not entity["_id"]:
        raise ValueError(f"an entity needs a non-empty string _id, got {entity.get('_id')!r}")
    kept = {k: v for k, v in entity.items() if not k.startswith("_") or k in _KEPT_RESERVED}
    kept["_deleted"] = bool(kept.get("_deleted", False))
    return kept


def _hash(content: Mapping[str, Any]) -> str:
    text = json.dumps(content, sort_keys=True, default=str)
    return hashlib.sha256(text.encode("utf-8")).hexdigest()[:32]
