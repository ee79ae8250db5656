"""`talkqa fakes serve`: both fakes as real HTTP servers on loopback, for a person or a tool.

talkqa fakes serve --port 8700      # Salesforce on 8700, Crmoffice on 8701
curl -s -X POST http://127.0.0.1:8701/connect/token -d grant_type=client_credentials ...
"""

from __future__ import annotations

import argparse
import ipaddress
import tempfile
import threading
from contextlib import ExitStack
from pathlib import Path
from typing import Any

from harness.errors import ConfigError


def register(subparsers: argparse._SubParsersAction[Any]) -> None:
    fakes = subparsers.add_parser("fakes", help="the embedded fakes of Salesforce and Crmoffice")
    actions = fakes.add_subparsers(dest="fakes_command", metavar="ACTION", required=True)
    serve = actions.add_parser(
        "serve",
        help="serve the fakes on loopback: Salesforce on PORT, Crmoffice on PORT+1, a Sesam"
        " node on PORT+2 whose pipes run the bundled engine on the first two",
    )
    serve.add_argument("--host", default="127.0.0.1", help="a loopback address (default 127.0.0.1)")
    serve.add_argument("--port", type=int, default=8700, help="Salesforce port; Crmoffice is +1")
    serve.set_defaults(run=run_serve)


def run_serve(args: argparse.Namespace) -> int:
    _require_loopback(args.host)
    from harness.fakes.http import serve
    from harness.fakes.world import FakeWorld

    world = FakeWorld()
    servers = []
    with ExitStack() as stack:
        # The node's pipes reach the two fakes in process; a client reaches all three here.
        stack.enter_context(world.activated())
        node, engine = served_node(world, Path(stack.enter_context(tempfile.TemporaryDirectory())))
        stack.callback(engine.close)
        try:
            for offset, service in enumerate((world.salesforce, world.crmoffice, node)):
                servers.append(serve(service, host=args.host, port=args.port + offset))
        except OSError as error:
            for server in servers:
                server.shutdown()
            raise ConfigError(
                f"cannot listen on {args.host}:{args.port}-{args.port + 2}: {error.strerror}"
            ) from None
        _print_served(args, world)
        _wait(servers)
    return 0


def _wait(servers: list[Any]) -> None:
    try:
        threading.Event().wait()
    except KeyboardInterrupt:
        pass
    finally:
        for server in servers:
            server.shutdown()


def _print_served(args: argparse.Namespace, world: Any) -> None:
    from harness.fakes.world import (
        FAKE_CRM_CLIENT_ID,
        FAKE_CRM_CLIENT_SECRET,
        FAKE_SESAM_JWT,
        FAKE_SF_PASSWORD,
        FAKE_SF_TOKEN,
        FAKE_SF_USERNAME,
    )

    sf_url = f"http://{args.host}:{args.port}"
    crm_url = f"http://{args.host}:{args.port + 1}"
    node_url = f"http://{args.host}:{args.port + 2}/api"
    print(
        f"FakeSalesforce  {sf_url}  (stands in for {', '.join(world.salesforce.hosts)})\n"
        f"  SOAP login: POST {sf_url}/services/Soap/u/59.0  user {FAKE_SF_USERNAME}\n"
        f"  password {FAKE_SF_PASSWORD!r} + token {FAKE_SF_TOKEN!r} (dummy values of the fake)\n"
        f"  REST: {sf_url}/services/data/v59.0/...  (Authorization: Bearer <sessionId>)\n"
        f"FakeCrmoffice   {crm_url}  (stands in for {', '.join(world.crmoffice.hosts)})\n"
        f"  token: POST {crm_url}/connect/token grant_type=client_credentials"
        f" client_id={FAKE_CRM_CLIENT_ID} client_secret={FAKE_CRM_CLIENT_SECRET}\n"
        f"  REST: {crm_url}/contacts, {crm_url}/companies  (Authorization: Bearer <token>)\n"
        f"FakeSesamNode   {node_url}  (its pipes run the bundled engine on the two above)\n"
        f"  TALKQA_SESAM_NODE_URL={node_url} TALKQA_SESAM_JWT=<the fake's dummy JWT:>\n"
        f"  {FAKE_SESAM_JWT}\n"
        "Python clients that insist on https hosts (simple-salesforce) reach them through\n"
        "harness.fakes.http.route_to_loopback(session, hosts, address). Ctrl-C stops.",
        flush=True,
    )


def served_node(world: Any, state_dir: Path) -> tuple[Any, Any]:
    """The fake node for `serve` and the bundled engine its pipes run on the world's fakes."""
    from harness.engine import EngineContext, create_engine
    from harness.targets.sesam_node import fake_node

    context = EngineContext(
        world.salesforce_settings(),
        world.crmoffice_settings(),
        state_dir / "talkqa-state.sqlite",
        clock=world.clock,
    )
    return fake_node(context, create_engine)


def _require_loopback(host: str) -> None:
    try:
        loopback = ipaddress.ip_address(host).is_loopback
    except ValueError:
        loopback = host == "localhost"
    if not loopback:
        raise ConfigError(
            f"--host {host} is not a loopback address; the fakes only serve on 127.0.0.0/8, ::1"
            " or localhost"
        )
