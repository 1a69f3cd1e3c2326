"""One simulated person in one tab: signs in with the "Who are you?" picker, then, until
the time is up, thinks for a few seconds and either opens a page of their role or makes
a write (logs a finding, adds a note, moves a status) through the page's own form, as
a person would in the browser. Every rerun is timed; every write the app confirms is
entered in the ledger, to be counted against the database afterwards."""

from __future__ import annotations

import asyncio
import random
import time
from dataclasses import dataclass, field

from streamlit.proto.WidgetStates_pb2 import WidgetState

from team.bench.load.cast import Persona
from team.bench.load.protocol import LoadError, Screen, Tab, string_state, trigger_state

# Statuses an IC moves their own question between (the app offers what is allowed).
_MOVES = ("open", "in progress", "blocked")


@dataclass
class Tally:
    """What every tab of one load level saw."""

    reruns: list[tuple[float, float, bool]] = field(default_factory=list)  # (start, s, write)
    errors: list[str] = field(default_factory=list)
    accepted: dict[str, list[str]] = field(default_factory=dict)  # kind -> tokens
    refused: dict[str, list[str]] = field(default_factory=dict)  # kind -> tokens

    def error(self, persona: Persona, what: str) -> None:
        self.errors.append(f"{persona.label}: {what}")


class Visitor:
    def __init__(
        self,
        base_url: str,
        persona: Persona,
        *,
        rng: random.Random,
        think: float,
        write_share: float,
        run_token: str,
        tally: Tally,
        number: int = 0,
    ) -> None:
        self.tab = Tab(base_url)
        self.persona, self.rng, self.think = persona, rng, think
        self.write_share, self.run_token, self.tally = write_share, run_token, tally
        self.origin = time.perf_counter()  # when the level's measuring began
        self.number = number  # the tab's number in its level: one person may have several
        self.picker: WidgetState | None = None
        self.count = 0

    # ------------------------------------------------------------------ one rerun

    async def _rerun(
        self, page: str = "", *, query: str = "", states: list[WidgetState] | None = None
    ) -> Screen:
        """A rerun, timed and checked: an exception drawn is an error."""
        start = time.perf_counter()
        sent = [self.picker] if self.picker is not None else []
        screen = await self.tab.rerun(page, query=query, states=sent + (states or []))
        self.tally.reruns.append((start - self.origin, screen.seconds, bool(states)))
        for exception in screen.exceptions:
            self.tally.error(self.persona, f"exception on {page or 'overview'}: {exception}")
        return screen

    async def sign_in(self) -> None:
        await self.tab.open()
        screen = await self.tab.rerun()
        who = screen.widget("who_sidebar")
        if who is None or self.persona.label not in who.options:
            raise LoadError(f"{self.persona.label} is not offered by the person picker")
        self.picker = string_state(who, self.persona.label)
        await self.tab.rerun(states=[self.picker])

    # ------------------------------------------------------------------ reading

    async def visit(self) -> None:
        page = self.rng.choice(self.persona.pages)
        query = ""
        if page in ("questions", "answers") and self.persona.assigned and self.rng.random() < 0.5:
            root, node = self.rng.choice(self.persona.assigned)
            query = f"root={root}&node={node}"
        screen = await self._rerun(page, query=query)
        for message in screen.errors:
            self.tally.error(self.persona, f"error shown on {page or 'overview'}: {message}")

    # ------------------------------------------------------------------ writing

    def _token(self, kind: str) -> str:
        self.count += 1
        return f"{self.run_token}-{self.number}-{kind}{self.count}"

    async def write(self) -> None:
        kind = self.rng.choice(self.persona.writes)
        if kind == "finding":
            await self._log_finding()
        elif kind == "note":
            await self._add_note()
        else:
            await self._move_status()

    def _outcome(self, kind: str, token: str, screen: Screen, done: str) -> None:
        if any(done in text for text in screen.successes):
            self.tally.accepted.setdefault(kind, []).append(token)
        elif screen.errors:
            self.tally.refused.setdefault(kind, []).append(token)
        else:
            self.tally.error(self.persona, f"{kind} {token}: neither confirmed nor refused")

    async def _submit(self, page: str, query: str, form: str, fields: dict[str, str]) -> Screen:
        """Open ``page``, fill the form ``form`` (widget key -> text) and submit it; if
        the app asks "have we found this before?", submit the same again."""
        screen = await self._rerun(page, query=query)
        button = screen.submitter(form)
        widgets = {key: screen.widget(key) for key in fields}
        missing = [key for key, widget in widgets.items() if widget is None]
        if button is None or missing:
            raise LoadError(f"the form {form} is not on {page} ({', '.join(missing)})")
        states = [string_state(w, fields[k]) for k, w in widgets.items() if w is not None]
        screen = await self._rerun(page, query=query, states=[*states, trigger_state(button)])
        if not screen.successes and not screen.errors and screen.submitter(form) is not None:
            again = screen.submitter(form)
            assert again is not None
            screen = await self._rerun(page, query=query, states=[*states, trigger_state(again)])
        return screen

    async def _log_finding(self) -> None:
        token = self._token("finding")
        screen = await self._rerun("my_work")
        picked = screen.widget("mywork_question")
        if picked is None:
            raise LoadError("My work offers no question to log a finding on")
        key = next((w.key for w in screen.widgets if w.key.startswith("lf_summary_")), "")
        suffix = key.removeprefix("lf_summary_")
        cohort = self.rng.randint(2, 9)
        fields = {
            f"lf_summary_{suffix}": f"{token} conversion held after the {cohort}th cohort",
            f"lf_body_{suffix}": f"Checked under load ({token}).",
        }
        screen = await self._submit("my_work", "", f"log_finding_{suffix}", fields)
        self._outcome("finding", token, screen, "logged")

    async def _add_note(self) -> None:
        token = self._token("note")
        root, node, finding = self.rng.choice(self.persona.findings)
        query = f"root={root}&node={node}&finding={finding}"
        fields = {f"note_body_finding_{finding}": f"Looked at this ({token})."}
        screen = await self._submit("questions", query, f"add_note_finding_{finding}", fields)
        self._outcome("note", token, screen, "Note added")

    async def _move_status(self) -> None:
        root, node = self.rng.choice(self.persona.assigned)
        query = f"root={root}&node={node}"
        screen = await self._rerun("questions", query=query)
        pick, save = screen.widget(f"status_pick_{node}"), screen.widget(f"status_save_{node}")
        if pick is None or save is None:
            return  # no longer theirs to move (answered, or moved to someone else)
        choices = [o for o in pick.options if o in _MOVES]
        if not choices:
            return
        target = self.rng.choice(choices)
        states = [string_state(pick, target), trigger_state(save)]
        screen = await self._rerun("questions", query=query, states=states)
        token = f"{node}:{target.replace(' ', '_')}"  # as the event records it
        self._outcome("status", token, screen, "is now")

    # ------------------------------------------------------------------ the loop

    async def _lost(self, exc: LoadError) -> None:
        """An error; the tab closes, to open and sign in again on its next action."""
        self.tally.error(self.persona, str(exc))
        await self.tab.close()
        self.picker = None

    async def arrive(self, within: float) -> None:
        """Open the tab and sign in, at a moment ``within`` seconds from now (people do
        not all open the app in the same second); a failure is an error, and the tab
        tries again as it lives."""
        await asyncio.sleep(self.rng.uniform(0, within))
        try:
            await self.sign_in()
        except LoadError as exc:
            await self._lost(exc)

    async def live(self, deadline: float) -> None:
        """Think, act, repeat until ``deadline`` (perf_counter); a tab whose connection
        fails is an error and opens again, as a browser reconnects."""
        await asyncio.sleep(self.rng.uniform(0, self.think))
        while time.perf_counter() < deadline:
            try:
                if self.picker is None:
                    await self.sign_in()
                elif self.persona.writes and self.rng.random() < self.write_share:
                    await self.write()
                else:
                    await self.visit()
            except LoadError as exc:
                await self._lost(exc)
            pause = self.rng.uniform(0.5, 1.5) * self.think
            await asyncio.sleep(min(pause, max(0.0, deadline - time.perf_counter())))
        await self.tab.close()
