"""Send a cassette's recorded requests to fresh fakes and list how their answers differ.

    for difference in replay_cassette(read_cassette(path)):
        print(difference.line())   # "x.yaml: #2 POST /services/data/v66.0/sobjects/Account/: ..."

Each cassette gets its own FakeWorld, clocked and seeded from its metadata (seed.py). The
requests go in the recorded order to the fake's hosts (hosts.py), with ids and Bulk API 2.0
result locators learned from earlier answers put in (ids.py) and live credentials for the
filtered ones (logins.py); each answer is compared with the recorded one (compare.py).
Interactions are numbered from 1.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import urlsplit

import requests

from harness.clock import FakeClock
from harness.fakes.http import FakeBugError
from harness.fakes.world import FakeWorld
from harness.fidelity.bulk_rules import LOCATOR_HEADER
from harness.fidelity.cassette import Cassette, Interaction, RecordedRequest, RecordedResponse
from harness.fidelity.compare import Answer, compare
from harness.fidelity.hosts import Place, fake_place
from harness.fidelity.ids import IdMap
from harness.fidelity.logins import LiveSessions
from harness.fidelity.seed import fresh_world, response_date

# Set by requests itself for the body it sends, or by the connection; not the recorded ones.
_UNSENT_HEADERS = frozenset({"content-length", "host", "transfer-encoding", "connection"})
TIMEOUT = 60.0


@dataclass(frozen=True)
class Difference:
    cassette: Path
    number: int  # the interaction's place in the cassette, from 1
    method: str
    path: str
    what: str

    def line(self) -> str:
        return f"{self.cassette}: #{self.number} {self.method} {self.path}: {self.what}"


def replay_cassette(cassette: Cassette) -> list[Difference]:
    world = fresh_world(cassette)
    with world.activated(), requests.Session() as http:
        replayer = _Replayer(world, http)
        return [
            Difference(cassette.path, number, i.request.method, urlsplit(i.request.uri).path, what)
            for number, i in enumerate(cassette.interactions, 1)
            for what in replayer.differences(i)
        ]


def replay_all(cassettes: Iterable[Cassette]) -> list[Difference]:
    return [d for cassette in cassettes for d in replay_cassette(cassette)]


class _Replayer:
    def __init__(self, world: FakeWorld, http: requests.Session) -> None:
        self.world = world
        self.http = http
        self.ids = IdMap()
        self.sessions = LiveSessions(world, http)

    def differences(self, interaction: Interaction) -> list[str]:
        recorded = interaction.response
        self._follow_clock(recorded)
        place = fake_place(self.ids.url(interaction.request.uri), self.world)
        try:
            answer = self._send(place, interaction.request, recorded.status)
        except (requests.RequestException, FakeBugError) as error:
            return [f"no answer from the fake: {type(error).__name__}: {error}"]
        if place.login:
            self.sessions.learn(place, answer.status, answer.body)
        expected = _answer(recorded)
        self.ids.learn(expected.data, answer.data)
        self.ids.learn_locator(expected.header(LOCATOR_HEADER), answer.header(LOCATOR_HEADER))
        return compare(expected, answer)

    def _send(self, place: Place, request: RecordedRequest, recorded_status: int) -> Answer:
        headers = {k: v for k, v in request.headers.items() if k.lower() not in _UNSENT_HEADERS}
        headers = self.sessions.authorize(place, headers, recorded_status=recorded_status)
        body = self.ids.body(request.body)
        if place.login:
            body = self.sessions.login_body(place, body, recorded_status=recorded_status)
        response = self.http.request(
            request.method,
            place.url,
            headers=headers,
            data=body or None,
            allow_redirects=False,
            timeout=TIMEOUT,
        )
        return Answer.of(
            response.status_code,
            response.content,
            response.headers.get("Content-Type", ""),
            dict(response.headers),
        )

    def _follow_clock(self, recorded: RecordedResponse) -> None:
        """A recorded Date header moves the fakes' clock on to it (never back)."""
        moment = response_date(recorded.header("Date"))
        clock = self.world.clock
        if moment is not None and isinstance(clock, FakeClock) and moment > clock.peek():
            clock.set(moment)


def _answer(response: RecordedResponse) -> Answer:
    return Answer.of(
        response.status, response.body, response.header("Content-Type"), response.headers
    )
