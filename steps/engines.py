"""Which engine the checklist drives: --sync-engine, --sesam-node-engine, --engine-mapping."""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path

import pytest

from harness.engine import load_engine_factory, load_mapping
from harness.qa.driver import EngineFactory
from harness.qa.targets import Target
from harness.sandbox.config import environ_with_dotenv
from harness.sesam import load_sesam_settings, sesam_engine_factory
from harness.targets.sesam_node import fake_node_factory

DEFAULT_ENGINE = "harness.engine:create_engine"
SESAM_ENGINE = "sesam"  # Sesam Talk on a node, through the Service API (harness/sesam)


def check_engine_options(config: pytest.Config) -> None:
    """Every engine option names something that loads (ConfigError: one line)."""
    spec = config.getoption("--sync-engine")
    if spec == SESAM_ENGINE:
        load_engine_factory(config.getoption("--sesam-node-engine"))
        if config.getoption("--target") == "sandbox":
            load_sesam_settings(environ_with_dotenv())
    else:
        load_engine_factory(spec)
    if config.getoption("--engine-mapping"):
        load_mapping(Path(config.getoption("--engine-mapping")))


def engine_under_test(config: pytest.Config, target: Target) -> EngineFactory:
    """The chosen engine for this target, with --engine-mapping's flows if given."""
    factory = _chosen_engine(config, target)
    chosen = config.getoption("--engine-mapping")
    if not chosen:
        return factory
    return lambda context: factory(replace(context, mapping_path=Path(chosen)))


def _chosen_engine(config: pytest.Config, target: Target) -> EngineFactory:
    spec = config.getoption("--sync-engine")
    if spec != SESAM_ENGINE:
        return load_engine_factory(spec)
    fakes = target.embedded_fakes()
    if fakes is not None:  # a fake node, its pipes running the chosen engine
        return fake_node_factory(
            load_engine_factory(config.getoption("--sesam-node-engine")), fakes.mount
        )
    return sesam_engine_factory(load_sesam_settings(environ_with_dotenv()))
