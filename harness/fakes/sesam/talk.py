"""Talk's pipe set for flows, as FakeSesamNode pipes, given a backend per pipe.

    pipes = talk_pipes(flows_from_mapping(load_mapping()), {
        "salesforce-contact-collect": read_salesforce, "crmoffice-contacts-share": write_crm})
    node = FakeSesamNode(clock, jwt=jwt, pipes=pipes)

Names, sources and dependencies come from harness.sesam.naming (Talk's naming convention), so
the fake node and the Sesam engine can never disagree on them. A pipe without a backend in the
mapping passes its changes through (global, transform); give every collect and share pipe one:
a collect backend reads its system, a share backend writes to it (see pipes.py).
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping

from harness.fakes.sesam.pipes import Backend, PipeSpec, PumpResult, PumpRun, passthrough
from harness.sesam.naming import Role, TalkFlow, pipe_set


def talk_pipes(
    flows: Iterable[TalkFlow],
    backends: Mapping[str, Backend],
    *,
    disabled: Iterable[str] = (),
    run_polls: int | None = 1,
) -> list[PipeSpec]:
    pipes = pipe_set(flows)
    unknown = sorted(set(backends) - {p.id for p in pipes})
    if unknown:
        known = ", ".join(p.id for p in pipes)
        raise ValueError(f"backends for pipes the flows do not have: {unknown}; pipes: {known}")
    off = set(disabled)
    return [
        PipeSpec(
            pipe.id,
            backends.get(pipe.id, _default(pipe.role)),
            enabled=pipe.id not in off,
            sources=pipe.sources,
            dependencies=pipe.dependencies,
            run_polls=run_polls,
        )
        for pipe in pipes
    ]


def _default(role: Role) -> Backend:
    return reads_nothing if role is Role.COLLECT else passthrough


def reads_nothing(run: PumpRun) -> PumpResult:
    """A collect backend for a system that has no records."""
    return PumpResult()
