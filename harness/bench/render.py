"""The benchmark as plain text: one block per phase, calls against the minimum and the floor.

print(render_text(run_bench(2_000)))
# initial: 2.9 s (floor 2.5 s, x1.16), 828 records/s ...
#   salesforce calls by API:
#     as shipped (Bulk above the threshold)  read 7, write 0: login 1, query 6
#     REST only                              read 7, write 0: login 1, query 6
"""

from __future__ import annotations

from typing import Any

from harness.bench.run import BenchResult


def render_text(result: BenchResult) -> str:
    data = result.to_json()
    lines = [f"talkqa bench --records {result.records}: peak RSS {data['peak_rss_mb']} MB"]
    for name, phase in data["phases"].items():
        lines += _phase_lines(name, phase)
    return "\n".join(lines)


def _phase_lines(name: str, phase: dict[str, Any]) -> list[str]:
    rate = f"{phase['records_per_s']:g} records/s" if phase["records_per_s"] else "no records"
    floor = f"x{phase['floor_ratio']:.2f}" if phase["floor_ratio"] else "-"
    lines = [
        f"\n{name}: {phase['wall_s']:.2f} s wall, {phase['cpu_s']:.2f} s CPU "
        f"(floor {phase['floor_s']:.2f} s wall, {phase['floor_cpu_s']:.2f} s CPU: {floor}), "
        f"{phase['records']} records, {rate}, {len(phase['cycles'])} cycle(s)"
    ]
    for system, kinds in phase["calls"].items():
        minimum, ratios = phase["min_calls"][system], phase["call_ratio"][system]
        parts = [
            f"{kind} {n} (min {minimum[kind]}, x{ratios[kind]:.2f})" for kind, n in kinds.items()
        ]
        lines.append(f"  {system:<10} " + ", ".join(parts))
        endpoints = ", ".join(f"{e} {n}" for e, n in phase["endpoints"][system].items())
        lines.append(f"  {'':<10} {endpoints or 'no calls'}")
    if len(phase["salesforce_api"]) > 1:
        lines += _api_lines(phase["salesforce_api"])
    return lines


def _api_lines(by_api: dict[str, Any]) -> list[str]:
    """The Salesforce calls of each API choice, side by side."""
    labels = {"bulk": "as shipped (Bulk above the threshold)", "rest": "REST only"}
    lines = ["  salesforce calls by API:"]
    for api, run in by_api.items():
        calls = ", ".join(f"{kind} {n}" for kind, n in run["calls"].items())
        endpoints = ", ".join(f"{e} {n}" for e, n in run["endpoints"].items())
        lines.append(f"    {labels.get(api, api):<38} {calls}: {endpoints or 'no calls'}")
    return lines
