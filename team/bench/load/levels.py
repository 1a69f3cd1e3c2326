"""One load level: N tabs spread over the servers (tab i on server i mod S, as a sticky
balancer keeps each session on one server) for a given time, each living as a
:class:`Visitor`; the servers' CPU and memory read from /proc meanwhile."""

from __future__ import annotations

import asyncio
import contextlib
import os
import random
import statistics
import time
from dataclasses import dataclass
from pathlib import Path

from team.bench.load.cast import Persona
from team.bench.load.ledger import Check
from team.bench.load.visitor import Tally, Visitor

_TICKS = os.sysconf("SC_CLK_TCK")


def cpu_seconds(pid: int) -> float:
    """User and system CPU time ``pid`` has used, in seconds (0 once it is gone)."""
    try:
        fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    except OSError:
        return 0.0
    return (int(fields[11]) + int(fields[12])) / _TICKS  # utime, stime


def machine_busy() -> tuple[float, float]:
    """(busy, total) CPU time of the whole machine so far, in clock ticks (/proc/stat),
    so the database's and the generator's share shows too."""
    try:
        ticks = [int(v) for v in Path("/proc/stat").read_text().splitlines()[0].split()[1:]]
    except (OSError, ValueError, IndexError):
        return 0.0, 0.0
    idle = ticks[3] + (ticks[4] if len(ticks) > 4 else 0)  # idle, iowait
    return float(sum(ticks) - idle), float(sum(ticks))


def resident_mib(pid: int) -> float:
    try:
        for line in Path(f"/proc/{pid}/status").read_text().splitlines():
            if line.startswith("VmRSS:"):
                return int(line.split()[1]) / 1024
    except OSError:
        pass
    return 0.0


@dataclass(frozen=True)
class Settings:
    seconds: float = 30.0  # how long each level lasts
    think: float = 5.0  # mean seconds between two actions of one tab
    writes: float = 0.10  # share of actions that are writes (for people who write)
    seed: int = 7


@dataclass
class Level:
    """What one level measured."""

    sessions: int
    servers: int
    seconds: float  # wall time of the level
    tally: Tally
    cpu: list[float]  # per server: share of one core, over the level
    peak_mib: list[float]  # per server: the highest resident memory seen
    generator_cpu: float  # the generator's own share of one core
    machine_cpu: float = 0.0  # the whole machine's busy share, in cores
    check: Check | None = None

    @property
    def times(self) -> list[float]:
        return sorted(seconds for _, seconds, _ in self.tally.reruns)

    def percentile(self, p: float) -> float:
        times = self.times
        if not times:
            return 0.0
        if len(times) == 1:
            return times[0]
        return statistics.quantiles(times, n=100, method="inclusive")[round(p) - 1]

    @property
    def throughput(self) -> float:
        return len(self.tally.reruns) / self.seconds if self.seconds else 0.0


async def _watch(pids: list[int], peaks: list[float], stop: asyncio.Event) -> None:
    while not stop.is_set():
        for i, pid in enumerate(pids):
            peaks[i] = max(peaks[i], resident_mib(pid))
        with contextlib.suppress(TimeoutError):
            await asyncio.wait_for(stop.wait(), 0.5)


async def _level(
    bases: list[str], pids: list[int], personas: list[Persona], settings: Settings, token: str
) -> Level:
    tally = Tally()
    rng = random.Random(f"{settings.seed}-{len(personas)}")
    visitors = [
        Visitor(
            bases[i % len(bases)],
            persona,
            rng=random.Random(rng.random()),
            think=settings.think,
            write_share=settings.writes,
            run_token=token,
            tally=tally,
            number=i,
        )
        for i, persona in enumerate(personas)
    ]
    # N people with the app open: every tab signs in first (arriving over one think
    # time), then the level is measured, from the moment the last one is in.
    await asyncio.gather(*(v.arrive(settings.think) for v in visitors))
    origin = time.perf_counter()
    deadline = origin + settings.seconds
    for visitor in visitors:
        visitor.origin = origin
    peaks = [resident_mib(pid) for pid in pids]
    before = [cpu_seconds(pid) for pid in pids]
    mine = time.process_time()
    machine = machine_busy()
    stop = asyncio.Event()
    watcher = asyncio.create_task(_watch(pids, peaks, stop))
    await asyncio.gather(*(v.live(deadline) for v in visitors))
    stop.set()
    await watcher
    wall = time.perf_counter() - origin
    busy, total = (now - then for now, then in zip(machine_busy(), machine, strict=True))
    return Level(
        sessions=len(personas),
        servers=len(bases),
        seconds=wall,
        tally=tally,
        cpu=[(cpu_seconds(p) - b) / wall for p, b in zip(pids, before, strict=True)],
        peak_mib=peaks,
        generator_cpu=(time.process_time() - mine) / wall,
        machine_cpu=(busy / total) * (os.cpu_count() or 1) if total else 0.0,
    )


def run_level(
    bases: list[str], pids: list[int], personas: list[Persona], settings: Settings, token: str
) -> Level:
    """Run one level to its end (every tab finishes the action in hand, then closes)."""
    return asyncio.run(_level(bases, pids, personas, settings, token))
