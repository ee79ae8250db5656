"""One HTTP front for every fake: route table, call log and scripted faults in one place.

    with responses.RequestsMock(assert_all_requests_are_fired=False) as rsps:
        mount(rsps, fake_salesforce)          # simple-salesforce now talks to the fake
    server = serve(fake_crmoffice, port=8765) # or over real HTTP on loopback

A fake is a FakeService: a name, a table of Routes (method, hosts, path pattern, read/write,
handler), a FaultPlan and a CallLog. dispatch() is the single path every request takes, in
process (responses) and over loopback (http.server), so both modes count and fault alike.
"""

from __future__ import annotations

import json
import re
import threading
import time
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any, Protocol
from urllib.parse import parse_qs, urlsplit

import requests
import responses
from requests.adapters import HTTPAdapter
from requests.structures import CaseInsensitiveDict

from harness.clock import Clock
from harness.fakes.calls import Call, CallKind, CallLog
from harness.fakes.faults import Fault, FaultKind, FaultPlan


@dataclass(frozen=True)
class FakeRequest:
    method: str
    url: str
    headers: Mapping[str, str]
    body: bytes = b""
    fault: Fault | None = None  # an in-handler fault (RECORD_FAILURE) for this call

    @property
    def host(self) -> str:
        parts = urlsplit(self.url)
        return f"{parts.scheme}://{parts.netloc}"

    @property
    def path(self) -> str:
        return urlsplit(self.url).path

    @property
    def query(self) -> dict[str, list[str]]:
        return parse_qs(urlsplit(self.url).query, keep_blank_values=True)

    def param(self, name: str) -> str | None:
        values = self.query.get(name)
        return values[0] if values else None

    def header(self, name: str) -> str | None:
        return CaseInsensitiveDict(self.headers).get(name)

    def json(self) -> Any:
        """The body as JSON; raises ValueError when it is not JSON."""
        return json.loads(self.body.decode("utf-8") if self.body else "")

    def form(self) -> dict[str, str]:
        return {k: v[0] for k, v in parse_qs(self.body.decode("utf-8")).items()}


@dataclass
class FakeResponse:
    status: int
    body: Any = None  # JSON-able, str or bytes; None means no body
    headers: dict[str, str] = field(default_factory=dict)
    transport_fault: FaultKind | None = None  # TIMEOUT or RESET: no HTTP answer at all

    def encoded(self) -> tuple[bytes, dict[str, str]]:
        headers = dict(self.headers)
        if self.body is None:
            return b"", headers
        if isinstance(self.body, bytes):
            return self.body, headers
        if isinstance(self.body, str):
            headers.setdefault("Content-Type", "text/plain; charset=utf-8")
            return self.body.encode("utf-8"), headers
        headers.setdefault("Content-Type", "application/json;charset=UTF-8")
        return json.dumps(self.body).encode("utf-8"), headers


Handler = Callable[[FakeRequest, "re.Match[str]"], FakeResponse]


@dataclass(frozen=True)
class Route:
    name: str  # stable name used by faults and call counts, e.g. "query", "contacts.create"
    method: str
    pattern: str  # regex for the path, anchored by the dispatcher
    kind: CallKind
    handler: Handler
    hosts: tuple[str, ...] = ()  # empty: every host of the service

    def match(self, path: str) -> re.Match[str] | None:
        return re.fullmatch(self.pattern, path)


class FakeService(Protocol):
    # Read-only properties, so a fake may keep them as plain attributes or compute them.
    @property
    def name(self) -> str: ...

    @property
    def hosts(self) -> tuple[str, ...]: ...

    @property
    def faults(self) -> FaultPlan: ...

    @property
    def calls(self) -> CallLog: ...

    @property
    def clock(self) -> Clock: ...

    @property
    def routes(self) -> Sequence[Route]: ...

    def render_fault(self, fault: Fault, request: FakeRequest, route: Route) -> FakeResponse:
        """The system's own answer for an HTTP fault (429, 503, expired session, lock)."""
        ...

    def unknown_route(self, request: FakeRequest, allowed: Sequence[str]) -> FakeResponse:
        """404 for an unknown path, 405 (allowed methods given) for a known path."""
        ...


class FakeBugError(AssertionError):
    """A fake crashed on a request: a bug in the fake, never a behaviour of the real API."""


# Faults the route's handler runs through: one record fails, or the answer is lost after it.
_HANDLED_FAULTS = (FaultKind.RECORD_FAILURE, FaultKind.LOST_RESPONSE)


def dispatch(
    service: FakeService, request: FakeRequest, *, match_host: bool = True
) -> FakeResponse:
    route, match, allowed = _find_route(service, request, match_host=match_host)
    if route is None or match is None:
        return service.unknown_route(request, allowed)
    fault = service.faults.take(route.name)
    if fault is not None and fault.kind not in _HANDLED_FAULTS:
        response = (
            FakeResponse(status=0, transport_fault=fault.kind)
            if fault.kind.is_transport
            else service.render_fault(fault, request, route)
        )
    else:
        if fault is not None and fault.kind is FaultKind.RECORD_FAILURE:
            request = FakeRequest(request.method, request.url, request.headers, request.body, fault)
        try:
            response = route.handler(request, match)
        except Exception as exc:  # a fake must never crash; a crash is a bug to surface
            raise FakeBugError(
                f"{service.name} fake crashed on {request.method} {request.path}: {exc!r}"
            ) from exc
        if fault is not None and fault.kind is FaultKind.LOST_RESPONSE:
            # The call took effect; only its answer is lost, as a timeout the client sees.
            response = FakeResponse(response.status, transport_fault=FaultKind.TIMEOUT)
    call = Call(
        service.name,
        route.name,
        route.kind,
        request.method,
        request.path,
        response.status,
        service.clock.now(),
    )
    service.calls.record(call)
    service.calls.notify(call, request)
    return response


def _find_route(
    service: FakeService, request: FakeRequest, *, match_host: bool
) -> tuple[Route | None, re.Match[str] | None, list[str]]:
    allowed: list[str] = []
    for route in service.routes:
        if match_host and route.hosts and request.host not in route.hosts:
            continue
        match = route.match(request.path)
        if match is None:
            continue
        if route.method != request.method:
            allowed.append(route.method)
            continue
        return route, match, allowed
    return None, None, allowed


# --- in process, behind `responses` -------------------------------------------------------


def mount(rsps: responses.RequestsMock, service: FakeService) -> None:
    """Answer every request to the service's hosts from the fake; nothing else is matched."""
    for host in service.hosts:
        pattern = re.compile("^" + re.escape(host) + r"(/[^?#]*)?(\?.*)?$")
        for method in ("GET", "POST", "PATCH", "PUT", "DELETE", "HEAD"):
            rsps.add_callback(method, pattern, callback=_responses_callback(service))


def _responses_callback(
    service: FakeService,
) -> Callable[[requests.PreparedRequest], tuple[int, dict[str, str], bytes]]:
    def callback(prepared: requests.PreparedRequest) -> tuple[int, dict[str, str], bytes]:
        body = prepared.body or b""
        request = FakeRequest(
            method=str(prepared.method),
            url=str(prepared.url),
            headers=dict(prepared.headers),
            body=body.encode("utf-8") if isinstance(body, str) else bytes(body),
        )
        response = dispatch(service, request)
        if response.transport_fault is FaultKind.TIMEOUT:
            raise requests.exceptions.ReadTimeout(f"Read timed out ({request.host}, fault)")
        if response.transport_fault is FaultKind.RESET:
            raise requests.exceptions.ConnectionError(
                ConnectionResetError(104, "Connection reset by peer")
            )
        payload, headers = response.encoded()
        return response.status, headers, payload

    return callback


# --- over real HTTP on loopback -----------------------------------------------------------


def serve(
    service: FakeService, *, host: str = "127.0.0.1", port: int = 0, timeout_delay: float = 5.0
) -> ThreadingHTTPServer:
    """Serve the fake on loopback in a daemon thread; server.server_address has the port.

    Requests are routed by path alone (the loopback host stands in for every host the fake
    has); a scripted TIMEOUT holds the connection for timeout_delay seconds, a RESET drops it.
    """
    server = ThreadingHTTPServer((host, port), _handler_class(service, timeout_delay))
    server.daemon_threads = True
    threading.Thread(target=server.serve_forever, name=f"fake-{service.name}", daemon=True).start()
    return server


def _handler_class(service: FakeService, timeout_delay: float) -> type[BaseHTTPRequestHandler]:
    class FakeHandler(BaseHTTPRequestHandler):
        protocol_version = "HTTP/1.1"
        # Headers and body go out in two writes; with Nagle on, the second waits for a
        # delayed ACK (~40 ms a request), which made a served fake 20x slower than needed.
        disable_nagle_algorithm = True

        def _answer(self) -> None:
            length = int(self.headers.get("Content-Length") or 0)
            body = self.rfile.read(length) if length else b""
            virtual_host = self.headers.get("X-Talkqa-Virtual-Host") or service.hosts[0]
            request = FakeRequest(self.command, virtual_host + self.path, dict(self.headers), body)
            try:
                response = dispatch(service, request, match_host=False)
            except FakeBugError as exc:
                response = FakeResponse(500, {"fakeBug": str(exc)})
            if response.transport_fault is not None:
                if response.transport_fault is FaultKind.TIMEOUT:
                    time.sleep(timeout_delay)
                self.close_connection = True
                return
            payload, headers = response.encoded()
            self.send_response(response.status)
            for name, value in headers.items():
                self.send_header(name, value)
            self.send_header("Content-Length", str(len(payload)))
            self.end_headers()
            self.wfile.write(payload)

        do_GET = do_POST = do_PATCH = do_PUT = do_DELETE = _answer

        def log_message(self, format: str, *args: Any) -> None:  # quiet; calls are in the log
            return

    return FakeHandler


class LoopbackAdapter(HTTPAdapter):
    """Sends https://<virtual host>/... to a fake served on loopback, keeping the virtual host.

    simple-salesforce always builds https URLs from the instance name; mounting this adapter on
    its session for the fake's hosts is how a client in another process reaches a served fake.
    """

    def __init__(self, address: str, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self.address = address.rstrip("/")

    def send(self, request: requests.PreparedRequest, **kwargs: Any) -> requests.Response:  # type: ignore[override]
        parts = urlsplit(str(request.url))
        request.headers["X-Talkqa-Virtual-Host"] = f"{parts.scheme}://{parts.netloc}"
        request.url = self.address + parts.path + (f"?{parts.query}" if parts.query else "")
        return super().send(request, **kwargs)


def route_to_loopback(session: requests.Session, hosts: Sequence[str], address: str) -> None:
    adapter = LoopbackAdapter(address)
    for host in hosts:
        session.mount(host, adapter)
