"""Ids the replay learned: each recorded id that an earlier answer held, and the fake's for it.

    ids = IdMap(); ids.learn(recorded_answer_json, replayed_answer_json)
    ids.url("https://x/services/data/v59.0/sobjects/Account/001D000000IqhSLIAZ")  # replayed id

The rule: the recorded and the replayed answer are walked side by side; wherever both hold an
identifying value at the same place (a key named id/Id or ending in Id, an element of `ids`,
a `nextRecordsUrl`; a Bulk API 2.0 Sforce-Locator header, learn_locator) and the two differ,
the recorded value maps to the replayed one. The first mapping of a value wins, so ids map in
the order the answers created them. Later requests are rewritten before they are sent: string
ids (Salesforce's, in 18- and 15-character form) and query locators wherever they occur in the
URL or body, number ids (Crmoffice's) in whole URL path segments and in JSON values under
id-named keys.
"""

from __future__ import annotations

import json
import re
from typing import Any

from harness.fidelity.bulk_rules import is_locator

_SF_ID = re.compile(r"[A-Za-z0-9]{15}(?:[A-Za-z0-9]{3})?")
_LOCATOR_KEYS = frozenset({"nextRecordsUrl"})


class IdMap:
    def __init__(self) -> None:
        self.texts: dict[str, str] = {}
        self.numbers: dict[int, int] = {}

    def learn(self, recorded: Any, replayed: Any) -> None:
        for old, new in _pairs(recorded, replayed, None):
            if isinstance(old, str) and isinstance(new, str):
                self._add_text(old, new)
            elif isinstance(old, int) and isinstance(new, int):
                self.numbers.setdefault(old, new)

    def learn_locator(self, recorded: str, replayed: str) -> None:
        """Bulk API 2.0's Sforce-Locator headers: the next set of query results, both sides."""
        if is_locator(recorded) and is_locator(replayed) and recorded != replayed:
            self.texts.setdefault(recorded, replayed)

    def _add_text(self, old: str, new: str) -> None:
        self.texts.setdefault(old, new)
        if len(old) == len(new) == 18:  # the same record named by its 15-character id
            self.texts.setdefault(old[:15], new[:15])

    def url(self, url: str) -> str:
        url = self._text(url)
        if not self.numbers:
            return url
        base, sep, query = url.partition("?")
        segments = [self._segment(s) for s in base.split("/")]
        return "/".join(segments) + sep + query

    def body(self, body: bytes) -> bytes:
        if not body or not (self.texts or self.numbers):
            return body
        try:
            data = json.loads(body)
        except (ValueError, UnicodeDecodeError):
            return self._text(body.decode("utf-8", "replace")).encode("utf-8")
        return json.dumps(self._value(data, None)).encode("utf-8")

    def _text(self, text: str) -> str:
        """One pass, longest first, so a replayed id that equals a recorded one stays put."""
        if not self.texts:
            return text
        olds = sorted(self.texts, key=len, reverse=True)
        pattern = re.compile("|".join(re.escape(old) for old in olds))
        return pattern.sub(lambda found: self.texts[found.group(0)], text)

    def _segment(self, segment: str) -> str:
        if segment.isdigit() and int(segment) in self.numbers:
            return str(self.numbers[int(segment)])
        return segment

    def _value(self, value: Any, key: str | None) -> Any:
        if isinstance(value, dict):
            return {k: self._value(v, k) for k, v in value.items()}
        if isinstance(value, list):
            return [self._value(v, key) for v in value]
        if isinstance(value, str):
            return self._text(value)
        if _is_number(value) and key is not None and _identifying(key):
            return self.numbers.get(value, value)
        return value


def _pairs(recorded: Any, replayed: Any, key: str | None) -> list[tuple[Any, Any]]:
    if isinstance(recorded, dict) and isinstance(replayed, dict):
        return [p for k in recorded if k in replayed for p in _pairs(recorded[k], replayed[k], k)]
    if isinstance(recorded, list) and isinstance(replayed, list):
        return [p for a, b in zip(recorded, replayed, strict=False) for p in _pairs(a, b, key)]
    if key is None or recorded == replayed or type(recorded) is not type(replayed):
        return []
    if key in _LOCATOR_KEYS and isinstance(recorded, str):
        return [(recorded, replayed)]
    if not _identifying(key):
        return []
    if isinstance(recorded, str) and _SF_ID.fullmatch(recorded) and _SF_ID.fullmatch(replayed):
        return [(recorded, replayed)]
    return [(recorded, replayed)] if _is_number(recorded) else []


def _identifying(key: str) -> bool:
    return key.lower() in ("id", "ids") or key.endswith("Id")


def _is_number(value: Any) -> bool:
    return isinstance(value, int) and not isinstance(value, bool) and value > 0
