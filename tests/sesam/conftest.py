"""Sesam engine fixtures: a fake node with one Talk flow, mounted behind `responses`."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
import responses

from harness.fakes.http import mount
from tests.sesam.node_rig import NodeRig


@pytest.fixture
def rig() -> NodeRig:
    return NodeRig.build()


@pytest.fixture
def node_http(rig: NodeRig) -> Iterator[responses.RequestsMock]:
    with responses.RequestsMock(assert_all_requests_are_fired=False) as rsps:
        mount(rsps, rig.node)
        yield rsps
