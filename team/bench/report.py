"""The benchmark's printed report: one row per page x role x view with its times at
each size and their ratio, the statements and rows per run, the framework floor, the
time to generate each size, and last a one-line summary.

A page stopped at its time budget still counts: its time is at least the budget and its
statements at least those it had sent ("+"), so its ratio is a lower bound (">"). If its
first run was stopped, no warm rerun ran ("?"), and the warm ratio leaves it out."""

from __future__ import annotations

import math
from dataclasses import dataclass

from team.bench.measure import COLD_NOTE, SLOW_MS, Sample
from team.bench.runner import SizeResult
from team.bench.targets import Target

# The targets; a value past one is marked with "!" in the table.
MAX_WARM_RATIO = 1.5
MAX_COLD_RATIO = 5.0
MAX_STATEMENTS = 25


def crashed(sample: Sample | None) -> bool:
    """Missing, or raised an error (a page stopped at its budget did not crash)."""
    return sample is None or (sample.error is not None and not sample.over_budget)


@dataclass(frozen=True)
class Row:
    target: Target
    samples: list[Sample | None]  # one per size, in order

    def ratio(self, warm: bool) -> tuple[float, bool] | None:
        """Last size over first: (value, whether it is only a lower bound)."""
        first, last = self.samples[0], self.samples[-1]
        if len(self.samples) < 2 or crashed(first) or crashed(last):
            return None
        assert first is not None and last is not None
        if first.over_budget or (warm and not last.warm_known):
            return None
        a, b = (first.warm_ms, last.warm_ms) if warm else (first.cold_ms, last.cold_ms)
        if a > 0 and not math.isnan(a) and not math.isnan(b):
            return b / a, last.over_budget
        return None

    def most_statements(self) -> tuple[int, bool]:
        """The most statements of any run at any size, and whether it is a lower bound."""
        found = [
            (max(s.warm_statements, s.cold_statements), s.over_budget)
            for s in self.samples
            if s is not None and not crashed(s)
        ]
        return max(found, default=(0, False))

    def grows(self) -> bool:
        """More statements at the last size than at the first, warm or cold."""
        first, last = self.samples[0], self.samples[-1]
        if crashed(first) or crashed(last):
            return False
        assert first is not None and last is not None
        return (
            last.warm_statements > first.warm_statements
            or last.cold_statements > first.cold_statements
        )


def rows_of(results: list[SizeResult]) -> list[Row]:
    """One row per target found at any size, in the order first seen."""
    keys: dict[tuple[str, str, str], Target] = {}
    for result in results:
        for key, (target, _sample) in result.samples.items():
            keys.setdefault(key, target)
    return [
        Row(target, [r.samples[key][1] if key in r.samples else None for r in results])
        for key, target in keys.items()
    ]


def _ms(sample: Sample | None, warm: bool, repeat: int) -> str:
    if sample is None or crashed(sample):
        return "-"
    if warm and not sample.warm_known:
        return "?"
    value = sample.warm_ms if warm else sample.cold_ms
    if sample.over_budget:
        return f">{value:.0f}"
    return f"{value:.0f}" + ("~" if sample.runs < repeat else "")


def _ratio(found: tuple[float, bool] | None, limit: float) -> str:
    if found is None:
        return "-"
    value, lower = found
    return (">" if lower else "") + f"{value:.2f}" + ("!" if value > limit else "")


def _counts(samples: list[Sample | None], pick: str) -> str:
    def one(s: Sample | None) -> str:
        if s is None or crashed(s):
            return "-"
        if pick.startswith("warm") and not s.warm_known:
            return "?"
        return f"{getattr(s, pick)}" + ("+" if s.over_budget else "")

    return "/".join(one(s) for s in samples)


def _cells(
    label: tuple[str, str, str], samples: list[Sample | None], row: Row | None, repeat: int
) -> list[str]:
    several = len(samples) > 1
    flag = ""
    if row is not None and (row.grows() or row.most_statements()[0] > MAX_STATEMENTS):
        flag = "!"
    return [
        *label,
        *(_ms(s, True, repeat) for s in samples),
        *([_ratio(row.ratio(True) if row else None, MAX_WARM_RATIO)] if several else []),
        *(_ms(s, False, repeat) for s in samples),
        *([_ratio(row.ratio(False) if row else None, MAX_COLD_RATIO)] if several else []),
        f"{_counts(samples, 'warm_statements')} | {_counts(samples, 'cold_statements')}{flag}",
        f"{_counts(samples, 'warm_rows')} | {_counts(samples, 'cold_rows')}",
    ]


def _table(header: list[str], lines: list[list[str]]) -> list[str]:
    widths = [max(len(line[i]) for line in [header, *lines]) for i in range(len(header))]
    text_columns = 3
    out = []
    for line in [header, ["-" * w for w in widths], *lines]:
        cells = [
            cell.ljust(w) if i < text_columns else cell.rjust(w)
            for i, (cell, w) in enumerate(zip(line, widths, strict=True))
        ]
        out.append("  ".join(cells).rstrip())
    return out


def ratio_name(results: list[SizeResult]) -> str:
    return f"{results[-1].size.name}/{results[0].size.name}"


def table(results: list[SizeResult], repeat: int) -> list[str]:
    names = [r.size.name for r in results]
    several = len(names) > 1
    ratio = ratio_name(results)
    header = [
        "page",
        "role",
        "view",
        *(f"warm {n} ms" for n in names),
        *([f"warm {ratio}"] if several else []),
        *(f"cold {n} ms" for n in names),
        *([f"cold {ratio}"] if several else []),
        "statements warm | cold",
        "rows warm | cold",
    ]
    lines = [_cells(r.target.key, r.samples, r, repeat) for r in rows_of(results)]
    floor: list[Sample | None] = [r.floor for r in results]
    lines.append(_cells(("(empty page)", "-", "framework floor"), floor, None, repeat))
    return _table(header, lines)


def summary(results: list[SizeResult]) -> str:
    """The last line: worst warm and cold ratio and most statements, with the page."""
    rows = [r for r in rows_of(results) if not any(crashed(s) for s in r.samples)]
    ratio = ratio_name(results)

    def worst(warm: bool) -> str:
        rated = [(found, r) for r in rows if (found := r.ratio(warm)) is not None]
        if not rated:
            return "n/a"
        (value, lower), row = max(rated, key=lambda pair: pair[0][0])
        return f"{'>' if lower else ''}{value:.2f} ({row.target.label})"

    if rows:
        most = max(rows, key=lambda r: r.most_statements()[0])
        count, lower = most.most_statements()
        most_text = f"{count}{'+' if lower else ''} ({most.target.label})"
    else:
        most_text = "n/a"
    return (
        f"worst warm {ratio} {worst(True)}, worst cold {ratio} {worst(False)}, "
        f"most statements {most_text}"
    )


def problems(results: list[SizeResult]) -> list[str]:
    """A line per page that raised or was stopped at its budget."""
    return [
        f"{result.size.name}: {target.label} "
        + (sample.error if sample.over_budget else f"raised: {sample.error}")
        for result in results
        for target, sample in result.samples.values()
        if sample.error
    ]


def report(
    results: list[SizeResult],
    *,
    backend: str,
    repeat: int,
    budget: float,
    extra: list[str] | None = None,
) -> list[str]:
    """Every line of the report; the summary is the last one."""
    names = ", ".join(r.size.name for r in results)
    lines = [
        f"team bench on {backend}: sizes {names}; medians of {repeat} warm reruns and "
        f"{repeat} cold runs per page",
        COLD_NOTE,
        "statements and rows: per run, each size in order (warm rerun | cold run)",
        f"'!' a ratio over {MAX_WARM_RATIO} (warm) or {MAX_COLD_RATIO} (cold), or statements "
        f"that grow with the data or exceed {MAX_STATEMENTS}; '~' a time from one run (the "
        f"first took over {SLOW_MS / 1000:.0f} s); '>' and '+' a page stopped after "
        f"{budget:.0f} s (lower bounds); '?' no warm rerun (its first run was stopped)",
        "",
        *table(results, repeat),
        "",
    ]
    for result in results:
        total = sum(result.rows.values())
        lines.append(
            f"time to generate {result.size.name}: {result.generate_s:.1f} s ({total:,} rows)"
        )
    lines += problems(results)
    lines += extra or []
    lines.append(summary(results))
    return lines
