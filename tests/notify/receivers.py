"""Real endpoints on loopback for the worker to send to: an SMTP server (aiosmtpd) and
an HTTP receiver (http.server), each recording what arrived and able to refuse."""

from __future__ import annotations

import json
import socket
import threading
import time
from dataclasses import dataclass, field
from email import message_from_bytes, policy
from email.message import EmailMessage
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

from aiosmtpd.controller import Controller


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


@dataclass
class Mail:
    rcpt: list[str]
    message: EmailMessage

    def part(self, subtype: str) -> str:
        body = self.message.get_body(preferencelist=(subtype,))
        assert body is not None, f"no text/{subtype} part"
        return str(body.get_content())


class MailHandler:
    """aiosmtpd handler: keeps every message, or answers ``refuse`` to each."""

    def __init__(self) -> None:
        self.mails: list[Mail] = []
        self.refuse = ""
        self.lock = threading.Lock()

    async def handle_DATA(self, server: Any, session: Any, envelope: Any) -> str:
        if self.refuse:
            return self.refuse
        parsed = message_from_bytes(envelope.content, policy=policy.default)
        assert isinstance(parsed, EmailMessage)
        with self.lock:
            self.mails.append(Mail(list(envelope.rcpt_tos), parsed))
        return "250 OK"


class SmtpServer:
    def __init__(self) -> None:
        self.handler = MailHandler()
        self.port = free_port()
        self.controller = Controller(self.handler, hostname="127.0.0.1", port=self.port)

    @property
    def mails(self) -> list[Mail]:
        return self.handler.mails


@dataclass
class Hit:
    path: str
    headers: dict[str, str]
    body: bytes

    @property
    def json(self) -> Any:
        return json.loads(self.body)


@dataclass
class HttpState:
    hits: list[Hit] = field(default_factory=list)
    status: int = 200  # what to answer
    hang: float = 0.0  # seconds to wait before answering
    delay: float = 0.0  # seconds to wait before answering 200 (a slow receiver)
    tries: int = 0  # requests received, answered or not
    lock: threading.Lock = field(default_factory=threading.Lock)


class HttpReceiver:
    def __init__(self) -> None:
        self.state = HttpState()
        state = self.state

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self) -> None:
                length = int(self.headers.get("Content-Length") or 0)
                body = self.rfile.read(length)
                with state.lock:
                    state.tries += 1
                if state.delay:
                    time.sleep(state.delay)
                if state.hang:
                    time.sleep(state.hang)
                    return
                with state.lock:
                    if state.status == 200:
                        state.hits.append(Hit(self.path, dict(self.headers.items()), body))
                self.send_response(state.status)
                self.send_header("Content-Length", "0")
                self.end_headers()

            def log_message(self, format: str, *args: Any) -> None:
                return None

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.server.daemon_threads = True
        self.port = int(self.server.server_address[1])
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)

    def url(self, path: str = "/hook") -> str:
        return f"http://127.0.0.1:{self.port}{path}"

    @property
    def hits(self) -> list[Hit]:
        return self.state.hits
