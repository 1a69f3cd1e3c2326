"""Plausible words for generated rows: names, question titles, finding summaries, notes.

Cheap on purpose (a few random choices and one format per string): the large size
writes hundreds of thousands of them.
"""

from __future__ import annotations

from collections.abc import Callable
from random import Random


def _words(text: str) -> tuple[str, ...]:
    return tuple(text.split())


FIRST = _words(
    "Maya Daniel Priya Tomás Aisha Leo Sofía Ken Rachel Omar Ingrid Chen Lucía Kwame Noor "
    "Mateo Hana Felix Zara Ivan Amara Jonas Mei Rafael Elif Samuel Yuki Nadia Pablo Greta "
    "Tariq Lena Arjun Chloé Bruno Ayesha Emil Rosa Dev Marta"
)
LAST = _words(
    "Okafor Berg Raman Silva Mensah Fischer Marín Watanabe Adler Haddad Larsen Wei Ortega "
    "Asante Karimi Rossi Sato Novak Malik Petrov Diallo Weber Lin Costa Yilmaz Moreau "
    "Tanaka Hussain Romero Lind Aziz Vogel Iyer Dubois Santos Khan Nilsson Ferreira Patel "
    "Kowalski"
)

METRICS = (
    "retention",
    "weekly active users",
    "churn",
    "conversion",
    "average order value",
    "forecast error",
    "support tickets",
    "trial starts",
    "net revenue",
    "time to first value",
    "upsell rate",
    "page latency",
)
SEGMENTS = (
    "new accounts",
    "enterprise plans",
    "the EU region",
    "mobile users",
    "self-serve customers",
    "the annual plan",
    "partners",
    "first-time buyers",
    "small teams",
    "the APAC region",
)
MOVES = ("drop", "rise", "stall", "swing", "flatten")
LEVERS = (
    "the new onboarding flow",
    "a 10% price increase",
    "free shipping",
    "the loyalty programme",
    "email reminders",
    "the redesigned checkout",
    "annual discounts",
    "the recommendation widget",
)
THINGS = (
    "pricing heuristic",
    "demand forecast",
    "lead-scoring rule",
    "churn score",
    "fraud threshold",
    "capacity plan",
    "attribution model",
)
DIMENSIONS = (
    "plan",
    "signup cohort",
    "acquisition channel",
    "country",
    "device",
    "company size",
    "sales region",
    "product line",
)
ISSUES = (
    "duplicate ids",
    "missing timestamps",
    "test accounts",
    "currency mix-ups",
    "backfilled values",
    "time-zone shifts",
)
PERIODS = ("Q1", "Q2", "Q3", "Q4", "the spring", "the holidays", "last month")
TRACKS = ("Projects", "Growth", "Feedback", "Blockers", "Career", "Technique", "Wellbeing")
ARTIFACTS = (
    "https://github.com/example-org/analytics/pull/{n}",
    "https://github.com/example-org/models/commit/{n:x}",
    "https://notebooks.example.com/team/analysis-{n}.ipynb",
    "https://dashboards.example.com/d/{n}",
    "https://github.com/example-org/dbt/pull/{n}",
)
NOTE_BODIES = {
    "comment": (
        "Read it through; the {d} split is clear.",
        "How does this hold up for {s}?",
        "Linking this to the {t} discussion.",
    ),
    "suggestion": (
        "Consider a bootstrap interval instead of the normal approximation.",
        "Try splitting by {d} before pooling.",
        "A holdout on {s} would make this stronger.",
    ),
    "must_fix": (
        "The {d} join drops rows; fix it before anything downstream uses this.",
        "The baseline excludes {s}; rerun with them included.",
        "Leakage: a post-outcome field feeds the {t}.",
    ),
    "praise": (
        "Great, careful work on the {d} cut.",
        "This settles the {t} question nicely.",
        "Clear write-up; easy to review.",
    ),
}
ACTIONS = (
    "Write up the {d} analysis for the review",
    "Pair on the {t} model with a teammate",
    "Ask for a review of the {m} notebook",
    "Read up on causal inference for {s}",
    "Close the open must-fix notes on {m}",
    "Present the {m} findings at the team meeting",
)


POOL = 400  # distinct texts of each sort; rows pick among them (cheap at a million rows)


class Texts:
    """Text makers sharing one random source (so a seed gives the same text). Summaries,
    notes and the like are drawn from pools made once, so a row costs one pick."""

    def __init__(self, rng: Random) -> None:
        self.r = rng
        self.random = rng.random
        self.pools: dict[str, tuple[str, ...]] = {}

    def pick(self, words: tuple[str, ...]) -> str:
        return words[int(self.random() * len(words))]

    def pooled(self, sort: str, make: Callable[[], str]) -> str:
        pool = self.pools.get(sort)
        if pool is None:
            pool = self.pools[sort] = tuple(make() for _ in range(POOL))
        return self.pick(pool)

    def root_title(self) -> str:
        p, form = self.pick, int(self.random() * 5)
        if form == 0:
            return f"Why did {p(METRICS)} {p(MOVES)} for {p(SEGMENTS)} in {p(PERIODS)}?"
        if form == 1:
            return f"Should we replace the {p(THINGS)} with a model?"
        if form == 2:
            return f"What drives {p(METRICS)} among {p(SEGMENTS)}?"
        if form == 3:
            return f"How much would {p(LEVERS)} change {p(METRICS)}?"
        return f"Is the {p(THINGS)} still accurate for {p(SEGMENTS)}?"

    def sub_title(self) -> str:
        p, form = self.pick, int(self.random() * 6)
        if form == 0:
            return f"Break down {p(METRICS)} by {p(DIMENSIONS)}"
        if form == 1:
            return f"Check {p(DIMENSIONS)} data for {p(ISSUES)}"
        if form == 2:
            return f"Estimate the effect of {p(LEVERS)} on {p(METRICS)}"
        if form == 3:
            return f"Compare {p(METRICS)} before and after {p(PERIODS)} for {p(SEGMENTS)}"
        if form == 4:
            return f"Validate the {p(THINGS)} against {p(DIMENSIONS)}"
        return f"Is {p(METRICS)} different for {p(SEGMENTS)}?"

    def context(self) -> str:
        return (
            f"Informs the {self.pick(PERIODS)} plan for {self.pick(SEGMENTS)}; "
            f"asked by the {self.pick(('CFO', 'head of product', 'growth lead', 'COO'))}."
        )

    def finding(self, kind: str) -> str:
        return self.pooled(kind, lambda: self._finding(kind))

    def _finding(self, kind: str) -> str:
        p, n = self.pick, int(self.random() * 900) + 20
        if kind == "negative_result":
            return f"No measurable effect of {p(LEVERS)} on {p(METRICS)} (n={n:,})"
        if kind == "data_decision":
            return f"Excluded {n} {p(DIMENSIONS)} rows with {p(ISSUES)}"
        if kind == "caveat":
            return f"Caveat: {p(DIMENSIONS)} is unreliable before {p(PERIODS)}"
        return f"{p(METRICS).capitalize()} {p(MOVES)}s {n % 40 + 2}% among {p(SEGMENTS)}"

    def finding_body(self, summary: str) -> str:
        method = self.pooled(
            "method", lambda: f"Method: split by **{self.pick(DIMENSIONS)}**, {self.pick(PERIODS)}."
        )
        return f"{summary}.\n\n{method}"

    def links(self, serial: int) -> list[str]:
        count = int(self.random() * 3)
        return [self.artifact(serial * 3 + i) for i in range(count)]

    def artifact(self, serial: int) -> str:
        return self.pick(ARTIFACTS).format(n=serial + 100)

    def focus(self) -> str:
        return self.pooled(
            "focus",
            lambda: f"Is the {self.pick(DIMENSIONS)} handling right, and any {self.pick(ISSUES)}?",
        )

    def note(self, kind: str) -> str:
        return self.pooled(
            f"note {kind}",
            lambda: self.pick(NOTE_BODIES[kind]).format(
                d=self.pick(DIMENSIONS), s=self.pick(SEGMENTS), t=self.pick(THINGS)
            ),
        )

    def action(self) -> str:
        return self.pooled(
            "action",
            lambda: self.pick(ACTIONS).format(
                d=self.pick(DIMENSIONS),
                t=self.pick(THINGS),
                m=self.pick(METRICS),
                s=self.pick(SEGMENTS),
            ),
        )

    def track_body(self, track: str) -> str:
        return (
            f"{track}: talked about {self.pick(METRICS)} work and {self.pick(THINGS)} next steps."
        )
