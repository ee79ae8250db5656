"""Which node pipes the engine drives, and the check that they are all there and enabled.

    plan = resolve(flows, overrides)              # Talk's pipes, each with the node's id
    problem = missing_or_disabled(plan, node.pipes(), node_url=url)  # None, or the line to stop

Pure: data in, decision out. The engine raises the line as a ConfigError before any pump runs.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass

from harness.engine.report import COUNT_NAMES
from harness.errors import ConfigError
from harness.sesam.naming import Role, TalkFlow, TalkPipe, TalkSide, pipe_set
from harness.sesam.node import PipeInfo

MAX_LISTED = 30  # pipes named as "there"; a subscription may have hundreds


@dataclass(frozen=True)
class PlannedPipe:
    talk: TalkPipe
    node_id: str  # the id on the node: the conventional id unless the overrides file says so
    flow: TalkFlow

    @property
    def role(self) -> Role:
        return self.talk.role

    @property
    def side(self) -> TalkSide | None:
        return self.talk.side

    @property
    def direction(self) -> str:
        """Which way data moves through the pipe, e.g. salesforce->crmoffice."""
        systems = [s.system for s in self.flow.sides]
        if self.side is None:
            return "<->".join(systems)
        others = [s for s in systems if s != self.side.system]
        if self.role is Role.COLLECT:
            return f"{self.side.system}->{','.join(others)}"
        return f"{','.join(others)}->{self.side.system}"


def resolve(flows: Sequence[TalkFlow], overrides: Mapping[str, str]) -> list[PlannedPipe]:
    by_name = {flow.name: flow for flow in flows}
    planned = [
        PlannedPipe(pipe, overrides.get(pipe.id, pipe.id), by_name[pipe.flow])
        for pipe in pipe_set(flows)
    ]
    _check_counts(planned)
    return planned


def _check_counts(planned: Sequence[PlannedPipe]) -> None:
    for pipe in planned:
        if pipe.role is Role.SHARE and pipe.side and update_count(pipe.side) not in COUNT_NAMES:
            raise ConfigError(
                f"flow {pipe.flow.name!r} shares into {pipe.side.system!r}, but a RunReport"
                f" counts updates only as {', '.join(n for n in COUNT_NAMES if 'updated' in n)}"
            )


def update_count(side: TalkSide) -> str:
    """The FlowCounts field an update written into this side's system counts in."""
    return f"updated_{side.system}"


def missing_or_disabled(
    planned: Sequence[PlannedPipe], found: Mapping[str, PipeInfo], *, node_url: str
) -> str | None:
    missing = [p.node_id for p in planned if p.node_id not in found]
    disabled = [p.node_id for p in planned if p.node_id in found and not found[p.node_id].enabled]
    if not missing and not disabled:
        return None
    parts = []
    if missing:
        parts.append(f"missing pipes {', '.join(missing)}")
    if disabled:
        parts.append(f"disabled pipes {', '.join(disabled)}")
    flows = ", ".join(dict.fromkeys(p.flow.name for p in planned))
    return (
        f"Sesam node {node_url}: {'; '.join(parts)} (Talk's naming for flows {flows});"
        f" the node has {_listed(found)}; name other pipes in TALKQA_SESAM_PIPES_FILE"
        " or enable them"
    )


def _listed(found: Mapping[str, PipeInfo]) -> str:
    if not found:
        return "no pipes"
    names = sorted(found)
    shown = ", ".join(names[:MAX_LISTED])
    more = len(names) - MAX_LISTED
    return shown + (f" and {more} more" if more > 0 else "")
