"""A mail server for the rehearsal, on the bridge's address: it counts the messages it accepted
(the 250 after DATA), and can hold the next message to an address unanswered, so that the
worker sending it can be killed in the middle of its job."""

from __future__ import annotations

import socketserver
import threading
import time
from contextlib import suppress
from dataclasses import dataclass, field
from email.parser import BytesHeaderParser


@dataclass(frozen=True)
class Delivered:
    recipients: tuple[str, ...]
    subject: str
    at: float  # time.monotonic()
    client: str  # the sending host's address


@dataclass
class Mailbox:
    address: str
    port: int
    delivered: list[Delivered] = field(default_factory=list)
    hold_for: str = ""  # the next message to this address is held
    holding: threading.Event = field(default_factory=threading.Event)
    held_from: str = ""  # the address of the host whose message is held
    _lock: threading.Lock = field(default_factory=threading.Lock)
    _server: socketserver.ThreadingTCPServer | None = None

    def start(self) -> None:
        mailbox = self

        class Session(socketserver.StreamRequestHandler):
            def handle(self) -> None:
                mailbox._session(self)

        socketserver.ThreadingTCPServer.allow_reuse_address = True
        server = socketserver.ThreadingTCPServer((self.address, self.port), Session)
        server.daemon_threads = True
        threading.Thread(target=server.serve_forever, daemon=True).start()
        self._server = server

    def stop(self) -> None:
        if self._server is not None:
            self._server.shutdown()
            self._server.server_close()

    def to(self, recipient: str, since: float = 0.0) -> list[Delivered]:
        """Messages accepted for `recipient` since `since` (time.monotonic())."""
        with self._lock:
            return [d for d in self.delivered if recipient in d.recipients and d.at >= since]

    def _session(self, session: socketserver.StreamRequestHandler) -> None:
        def reply(text: str) -> None:
            session.wfile.write(text.encode() + b"\r\n")
            session.wfile.flush()

        client = session.client_address[0]
        recipients: list[str] = []
        reply("220 rehearsal ESMTP")
        while line := session.rfile.readline():
            verb = line[:4].decode("ascii", "replace").upper()
            if verb == "EHLO":
                reply("250-rehearsal\r\n250-8BITMIME\r\n250 SMTPUTF8")
            elif verb == "RCPT":
                recipients.append(line.decode().split(":", 1)[1].strip(" <>\r\n").split(">")[0])
                reply("250 OK")
            elif verb == "DATA":
                reply("354 End data with <CR><LF>.<CR><LF>")
                data = b""
                while (part := session.rfile.readline()) not in (b".\r\n", b""):
                    data += part
                if self.hold_for and self.hold_for in recipients:
                    # No answer: the message is not accepted until the sender is gone.
                    self.hold_for = ""
                    self.held_from = client
                    self.holding.set()
                    session.connection.settimeout(120)
                    with suppress(OSError):
                        session.rfile.read()  # until the sender is gone
                    return
                headers = BytesHeaderParser().parsebytes(data)
                with self._lock:
                    self.delivered.append(
                        Delivered(
                            tuple(recipients), str(headers["Subject"]), time.monotonic(), client
                        )
                    )
                recipients = []
                reply("250 OK: queued")
            elif verb == "QUIT":
                reply("221 Bye")
                return
            elif verb in ("HELO", "MAIL", "RSET", "NOOP"):
                reply("250 OK")
            else:
                reply("502 Not implemented")
