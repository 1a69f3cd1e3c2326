"""A webhook receiver on loopback for `team bench`: it answers 200 to every POST and
counts the messages by their Idempotency-Key header (the notify worker's delivery key)."""

from __future__ import annotations

import threading
from collections import Counter
from collections.abc import Iterator
from contextlib import contextmanager
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer


class Received:
    """What the receiver got: each idempotency key and how many times it came."""

    def __init__(self) -> None:
        self.keys: Counter[str] = Counter()
        self.lock = threading.Lock()

    def add(self, key: str) -> None:
        with self.lock:
            self.keys[key] += 1

    @property
    def messages(self) -> int:
        return sum(self.keys.values())


class _Handler(BaseHTTPRequestHandler):
    received: Received  # set on the subclass made for each server

    def do_POST(self) -> None:
        length = int(self.headers.get("Content-Length") or 0)
        self.rfile.read(length)
        self.received.add(self.headers.get("Idempotency-Key") or "")
        self.send_response(200)
        self.send_header("Content-Length", "0")
        self.end_headers()

    def log_message(self, format: str, *args: object) -> None:
        """Quiet: ten thousand requests are not worth a line each."""


@contextmanager
def receiver() -> Iterator[tuple[str, Received]]:
    """A running receiver on a free loopback port: its URL and what it received."""
    received = Received()
    handler = type("Handler", (_Handler,), {"received": received})
    server = ThreadingHTTPServer(("127.0.0.1", 0), handler)
    server.daemon_threads = True
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        host, port = server.server_address[:2]
        yield f"http://{host!s}:{port}/hook", received
    finally:
        server.shutdown()
        server.server_close()
        thread.join()
