"""One browser tab, as Streamlit's own front end speaks to the server: a WebSocket to
``/_stcore/stream`` carrying protobuf ``BackMsg`` (rerun requests with widget states) and
``ForwardMsg`` (the elements drawn, and the end of each run). A :class:`Tab` keeps its
WebSocket (so its Streamlit session, and that session's state) for its whole life, as
a real tab does, and reads from each run what a person would look at: the widgets (by
the key the app gave them), the messages shown, any exception drawn."""

from __future__ import annotations

import asyncio
import time
from collections.abc import Iterable
from dataclasses import dataclass, field

import websockets
from streamlit.proto.BackMsg_pb2 import BackMsg
from streamlit.proto.ForwardMsg_pb2 import ForwardMsg
from streamlit.proto.WidgetStates_pb2 import WidgetState

STREAM_PATH = "/_stcore/stream"
# A run ended by st.rerun() is followed at once by the next one: not the end of a rerun.
_EARLY = ForwardMsg.ScriptFinishedStatus.FINISHED_EARLY_FOR_RERUN
_ERROR, _SUCCESS = 1, 4  # Alert.Format


class LoadError(Exception):
    """A tab could not do what a browser would have done (connect, finish a run)."""


@dataclass(frozen=True)
class Widget:
    """A widget as drawn: its id (what widget states are keyed by), kind, label, the
    options a select widget offers (as shown) and the form it belongs to."""

    id: str
    kind: str
    label: str
    options: tuple[str, ...] = ()
    form_id: str = ""

    @property
    def key(self) -> str:
        """The key the app gave the widget (``$$ID-<hash>-<key>``); '' for none."""
        head, _, key = self.id.rpartition("-")
        return key if head.startswith("$$ID") and key != "None" else ""


@dataclass
class Screen:
    """What one rerun drew, read as a person would."""

    seconds: float = 0.0
    widgets: list[Widget] = field(default_factory=list)
    successes: list[str] = field(default_factory=list)
    errors: list[str] = field(default_factory=list)  # st.error boxes
    exceptions: list[str] = field(default_factory=list)  # tracebacks drawn
    texts: list[str] = field(default_factory=list)  # Markdown drawn
    pages: dict[str, str] = field(default_factory=dict)  # url path -> page script hash

    def widget(self, key: str) -> Widget | None:
        return next((w for w in self.widgets if w.key == key), None)

    def submitter(self, form_key: str) -> Widget | None:
        """The submit button of the form whose key is ``form_key``."""
        return next(
            (w for w in self.widgets if w.kind == "button_submit" and w.form_id.endswith(form_key)),
            None,
        )

    def says(self, words: str) -> bool:
        return any(words in text for text in self.texts)


def string_state(widget: Widget, value: str) -> WidgetState:
    state = WidgetState(id=widget.id)
    state.string_value = value
    return state


def trigger_state(widget: Widget) -> WidgetState:
    state = WidgetState(id=widget.id)
    state.trigger_value = True
    return state


def _read_element(screen: Screen, element: object) -> None:
    kind = element.WhichOneof("type")  # type: ignore[attr-defined]
    if kind is None:
        return
    inner = getattr(element, kind)
    if kind == "alert" and inner.format == _SUCCESS:
        screen.successes.append(inner.body)
    elif kind == "alert" and inner.format == _ERROR:
        screen.errors.append(inner.body)
    elif kind == "exception":
        screen.exceptions.append(f"{inner.type}: {inner.message}")
    elif kind == "markdown":
        screen.texts.append(inner.body)
    widget_id = getattr(inner, "id", "")
    if isinstance(widget_id, str) and widget_id.startswith("$$ID"):
        submit = kind == "button" and inner.is_form_submitter
        screen.widgets.append(
            Widget(
                id=widget_id,
                kind="button_submit" if submit else kind,
                label=getattr(inner, "label", ""),
                options=tuple(getattr(inner, "options", ()) or ()),
                form_id=getattr(inner, "form_id", ""),
            )
        )


class Tab:
    """One simulated browser tab on the server at ``base_url`` (http://host:port)."""

    def __init__(self, base_url: str, *, timeout: float = 120.0) -> None:
        self.url = base_url.replace("http://", "ws://", 1).rstrip("/") + STREAM_PATH
        self.timeout = timeout
        self.pages: dict[str, str] = {}
        self._socket: websockets.ClientConnection | None = None

    async def open(self) -> None:
        try:
            self._socket = await websockets.connect(
                self.url, subprotocols=[websockets.Subprotocol("streamlit")], max_size=None
            )
        except (OSError, websockets.WebSocketException) as exc:
            raise LoadError(f"cannot open {self.url}: {exc}") from exc

    async def close(self) -> None:
        if self._socket is not None:
            await self._socket.close()
            self._socket = None

    async def rerun(
        self, page: str = "", *, query: str = "", states: Iterable[WidgetState] = ()
    ) -> Screen:
        """Ask for a run of ``page`` (its url path; '' for the default page) with
        ``query`` in the address and ``states`` as the widgets' values, as the browser
        does on a click; returns what the run drew once the last run it led to ended."""
        if self._socket is None:
            raise LoadError("the tab is not open")
        message = BackMsg()
        rerun = message.rerun_script
        rerun.query_string = query
        rerun.page_name = page
        rerun.page_script_hash = self.pages.get(page, "")
        rerun.widget_states.widgets.extend(states)
        start = time.perf_counter()
        await self._socket.send(message.SerializeToString())
        try:
            screen = await asyncio.wait_for(self._read_until_done(), self.timeout)
        except TimeoutError:
            raise LoadError(f"no end of run within {self.timeout:.0f} s") from None
        except websockets.WebSocketException as exc:
            raise LoadError(f"the connection dropped: {exc}") from exc
        screen.seconds = time.perf_counter() - start
        self.pages.update(screen.pages)
        return screen

    async def _read_until_done(self) -> Screen:
        assert self._socket is not None
        screen = Screen()
        while True:
            raw = await self._socket.recv()
            message = ForwardMsg()
            message.ParseFromString(raw if isinstance(raw, bytes) else raw.encode())
            kind = message.WhichOneof("type")
            if kind == "delta" and message.delta.WhichOneof("type") == "new_element":
                _read_element(screen, message.delta.new_element)
            elif kind == "navigation":
                for page in message.navigation.app_pages:
                    screen.pages[page.url_pathname] = page.page_script_hash
            elif kind == "script_finished":
                if message.script_finished != _EARLY:
                    return screen
                # The next run draws the page again: keep only what it draws.
                screen = Screen(pages=screen.pages)
