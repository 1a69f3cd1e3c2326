"""The load report: one row per size x servers x sessions, then the targets (goals to
read, not assertions) and the errors seen, each once with its count."""

from __future__ import annotations

import os
from collections import Counter
from typing import TYPE_CHECKING

from team.bench.load.levels import Level, Settings

if TYPE_CHECKING:
    from team.bench.load.command import Topology

HEADER = (
    f"{'size':<4} {'servers':>7} {'tabs':>5} {'reruns/s':>9} {'p50 ms':>7} {'p95 ms':>7} "
    f"{'p99 ms':>7} {'errors':>6} {'writes ok/refused':>17} {'lost/dup/unconf':>15} "
    f"{'server CPU':>11} {'peak MiB':>9} {'gen CPU':>8} {'machine':>8}"
)


def _row(size: str, level: Level) -> str:
    c = level.check
    writes = f"{c.accepted}/{c.refused}" if c else "-"
    ledger = f"{c.lost}/{c.duplicated}/{c.unconfirmed}" if c else "-"
    cpu = "+".join(f"{share * 100:.0f}%" for share in level.cpu)
    peak = "+".join(f"{mib:.0f}" for mib in level.peak_mib)
    return (
        f"{size:<4} {level.servers:>7} {level.sessions:>5} {level.throughput:>9.1f} "
        f"{level.percentile(50) * 1000:>7.0f} {level.percentile(95) * 1000:>7.0f} "
        f"{level.percentile(99) * 1000:>7.0f} {len(level.tally.errors):>6} {writes:>17} "
        f"{ledger:>15} {cpu:>11} {peak:>9} {level.generator_cpu * 100:>7.0f}% "
        f"{level.machine_cpu * 100:>7.0f}%"
    )


def _at(topologies: list[Topology], size: str, servers: int, sessions: int) -> Level | None:
    for t in topologies:
        if t.size == size and t.servers == servers:
            return next((lv for lv in t.levels if lv.sessions == sessions), None)
    return None


def _met(ok: bool) -> str:
    return "met" if ok else "MISSED"


def _scaling(size: str, one: Level, two: Level, think: float) -> list[str]:
    ratio = two.throughput / one.throughput
    line = (
        f"  {size}, two servers vs one at 50 tabs: throughput {ratio:.2f}x >= 1.3x: "
        f"{_met(ratio >= 1.3)}"
    )
    # Each tab acts about once per think time: a server keeping up with that is not busy.
    asked = one.sessions / think
    if one.throughput < 0.85 * asked:
        return [line]
    return [
        line,
        f"    (one server kept up with what the tabs asked for, {one.throughput:.1f} reruns/s "
        f"(about {asked:.1f} actions/s, a write taking two or three runs): it was not "
        "saturated, so a second one cannot add throughput here; measure capacity with a "
        "short --think, e.g. 0.5)",
    ]


def _targets(topologies: list[Topology], think: float) -> list[str]:
    lines = ["targets (goals, not assertions):"]
    sizes = list(dict.fromkeys(t.size for t in topologies))
    for size in sizes:
        one25, one50 = _at(topologies, size, 1, 25), _at(topologies, size, 1, 50)
        if one25 is not None:
            p95 = one25.percentile(95)
            ok = p95 < 1.0 and not one25.tally.errors
            lines.append(
                f"  {size}, one server, 25 tabs: p95 {p95 * 1000:.0f} ms < 1000 ms and no "
                f"errors ({len(one25.tally.errors)}): {_met(ok)}"
            )
        if one50 is not None:
            p95, peak = one50.percentile(95), max(one50.peak_mib)
            ok = p95 < 2.0 and not one50.tally.errors and peak < 1024
            lines.append(
                f"  {size}, one server, 50 tabs: p95 {p95 * 1000:.0f} ms < 2000 ms, no errors "
                f"({len(one50.tally.errors)}), memory {peak:.0f} MiB < 1024 MiB: {_met(ok)}"
            )
        two50 = _at(topologies, size, 2, 50)
        if one50 is not None and two50 is not None and one50.throughput:
            lines += _scaling(size, one50, two50, think)
    levels = [lv for t in topologies for lv in t.levels]
    bad = [lv for lv in levels if lv.check is not None and not lv.check.clean]
    accepted = sum(lv.check.accepted for lv in levels if lv.check is not None)
    lines.append(
        f"  writes: {accepted} confirmed over the run, {len(bad)} level(s) with a lost, "
        f"duplicated or unconfirmed write: {_met(not bad)}"
    )
    return lines


def _errors(topologies: list[Topology]) -> list[str]:
    seen: Counter[str] = Counter(
        e.split(": ", 1)[-1] for t in topologies for lv in t.levels for e in lv.tally.errors
    )
    if not seen:
        return []
    return ["errors seen (count, first words):"] + [
        f"  {count:>4}  {text[:160]}" for text, count in seen.most_common(10)
    ]


def report(topologies: list[Topology], *, backend: str, settings: Settings) -> list[str]:
    lines = [
        f"load on {backend}: each tab a person of the generated organisation, thinking "
        f"{settings.think * 0.5:.1f}-{settings.think * 1.5:.1f} s between actions, "
        f"{settings.writes * 100:.0f} % of them writes (log a finding, add a note, move a "
        f"status) for people who write; {settings.seconds:.0f} s per level. Times are "
        "from sending a rerun to its script finishing. CPU is in shares of one core over "
        f"the level (the machine has {os.cpu_count()}; 'machine' counts everything on it, "
        "the database included); 'unconf' counts writes in the database the app never "
        "confirmed (or refused).",
        HEADER,
    ]
    for topology in topologies:
        lines += [_row(topology.size, level) for level in topology.levels]
    return [*lines, "", *_targets(topologies, settings.think), *_errors(topologies)]
