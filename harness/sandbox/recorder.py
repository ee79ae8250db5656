"""Notices every create a sandbox session makes and writes it to the run ledger at once.

    recorder = CreateRecorder(ledger, run_id, crm_base_url="https://sandbox.api.crmoffice.test")
    session.hooks["response"].append(recorder.observe)   # the checklist's and the engine's

Watching the HTTP answers (not the callers) catches the engine's creates too, including the
sObject Collections batches, so teardown knows every record the run made in both systems.
"""

from __future__ import annotations

import json
import re
import threading
from dataclasses import replace
from datetime import UTC, datetime
from typing import Any
from urllib.parse import urlsplit

import requests

from harness.sandbox.ledger import Entry, RunLedger, fingerprint

_SF_CREATE = re.compile(r"/services/data/v\d+\.\d/sobjects/(\w+)/?")
_SF_COLLECTION = re.compile(r"/services/data/v\d+\.\d/composite/sobjects/?")


class CreateRecorder:
    def __init__(self, ledger: RunLedger, run_id: str, *, crm_base_url: str) -> None:
        self._ledger = ledger
        self._run_id = run_id
        self.crm_account = crm_base_url.rstrip("/")
        self.salesforce_org = ""  # set once the guard has read the org's id
        self._crm = re.compile(re.escape(self.crm_account) + r"/(contacts|companies)/?")
        self._crm_item = re.compile(re.escape(self.crm_account) + r"/(contacts|companies)/(\d+)")
        self._lock = threading.Lock()
        self.entries: list[Entry] = []

    def observe(self, response: requests.Response, *args: Any, **kwargs: Any) -> None:
        """A requests response hook; it never raises, so a create is never lost to it."""
        request = response.request
        if request.method == "PATCH" and response.status_code == 200:
            self._crm_written(str(request.url), response)
        if request.method != "POST" or response.status_code not in (200, 201):
            return
        for system, type_name, record_id in self._creates(str(request.url), request.body, response):
            account = self.crm_account if system == "crmoffice" else self.salesforce_org
            self._add(
                Entry(
                    self._run_id,
                    system,
                    type_name,
                    record_id,
                    datetime.now(UTC),
                    account,
                    self._crm_fingerprint(system, response),
                )
            )

    @staticmethod
    def _crm_fingerprint(system: str, response: requests.Response) -> str:
        if system != "crmoffice":
            return ""
        try:
            body = response.json()
        except ValueError:
            return ""
        return fingerprint(body) if isinstance(body, dict) else ""

    def _crm_written(self, url: str, response: requests.Response) -> None:
        """An update of a record this run made: the ledger learns what it holds now."""
        parts = urlsplit(url)
        item = self._crm_item.fullmatch(f"{parts.scheme}://{parts.netloc}{parts.path}")
        if item is None:
            return
        key = ("crmoffice", item.group(1), item.group(2))
        with self._lock:
            known = next((e for e in self.entries if e.key == key), None)
        if known is not None:
            self._ledger.written(
                replace(known, fingerprint=self._crm_fingerprint("crmoffice", response))
            )

    def _creates(
        self, url: str, body: Any, response: requests.Response
    ) -> list[tuple[str, str, str]]:
        parts = urlsplit(url)
        crm = self._crm.fullmatch(f"{parts.scheme}://{parts.netloc}{parts.path}")
        try:
            if crm and response.status_code == 201:
                return [("crmoffice", crm.group(1), str(response.json()["id"]))]
            single = _SF_CREATE.fullmatch(parts.path)
            if single and response.status_code == 201:
                return [("salesforce", single.group(1), str(response.json()["id"]))]
            if _SF_COLLECTION.fullmatch(parts.path):
                return _collection_creates(body, response.json())
        except (ValueError, KeyError, TypeError):
            return []  # not a create answer after all; the caller sees the real error
        return []

    def _add(self, entry: Entry) -> None:
        self._ledger.created(entry)
        with self._lock:
            self.entries.append(entry)


def _collection_creates(body: Any, results: Any) -> list[tuple[str, str, str]]:
    text = body.decode("utf-8") if isinstance(body, bytes) else str(body or "{}")
    records = json.loads(text).get("records", [])
    return [
        ("salesforce", str(record["attributes"]["type"]), str(result["id"]))
        for record, result in zip(records, results, strict=False)
        if isinstance(result, dict) and result.get("success") and result.get("id")
    ]
