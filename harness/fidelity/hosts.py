"""Where a recorded request goes in the fakes: decided by its path, whatever host it was sent to.

    place = fake_place("https://acme--qa.sandbox.my.salesforce.com/services/data/v59.0/query/?q=..",
                       world)   # Place("salesforce", "https://<fake instance>/services/...")

Salesforce's paths all start /services/: SOAP login and the OAuth token endpoint go to a
login host of the fake (OAuth stays on the instance when it was sent to a My Domain, as the
client-credentials flow must), every other /services/ path to the fake's instance. Anything
else is Crmoffice: /connect/token to its identity host, the rest to its API base URL (a
recorded Crmoffice base URL is taken to have no path of its own, as the fake's has none).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal
from urllib.parse import urlsplit

from harness.fakes.world import FakeWorld

System = Literal["salesforce", "crmoffice"]
SOAP_LOGIN = "/services/Soap/u/"
SF_TOKEN = "/services/oauth2/token"
CRM_TOKEN = "/connect/token"


@dataclass(frozen=True)
class Place:
    system: System
    url: str  # the fake's host, the recorded path and query
    login: bool  # a login (SOAP login, OAuth token endpoint), not an API call


def fake_place(recorded_uri: str, world: FakeWorld) -> Place:
    parts = urlsplit(recorded_uri)
    host = f"{parts.scheme}://{parts.netloc}"
    rest = parts.path + (f"?{parts.query}" if parts.query else "")
    if parts.path.startswith("/services/"):
        base, login = _salesforce_base(host, parts.path, world)
        return Place("salesforce", base + rest, login)
    if parts.path.rstrip("/").endswith(CRM_TOKEN):
        return Place("crmoffice", world.crmoffice.identity_url + rest, True)
    return Place("crmoffice", world.crmoffice.base_url + rest, False)


def login_hosts(world: FakeWorld) -> list[str]:
    return [h for h in world.salesforce.hosts if h != world.salesforce.instance_url]


def _salesforce_base(host: str, path: str, world: FakeWorld) -> tuple[str, bool]:
    instance = world.salesforce.instance_url
    if path.startswith(SOAP_LOGIN):
        return _login_host(host, world), True
    if path.rstrip("/") == SF_TOKEN:
        own = host in login_hosts(world) or _is_login_domain(host)
        return (_login_host(host, world) if own else instance), True
    return instance, False


def _login_host(host: str, world: FakeWorld) -> str:
    """The fake's login host of the same kind (login. or test.), test. otherwise."""
    hosts = login_hosts(world)
    prefix = urlsplit(host).netloc.split(".", 1)[0]
    same = [h for h in hosts if urlsplit(h).netloc.split(".", 1)[0] == prefix]
    sandbox = [h for h in hosts if urlsplit(h).netloc.startswith("test.")]
    return (same or sandbox or hosts)[0]


def _is_login_domain(host: str) -> bool:
    return urlsplit(host).netloc in ("login.salesforce.com", "test.salesforce.com")
