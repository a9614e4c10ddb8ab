"""A minimal SMTP server for tests: speaks just enough of RFC 5321 to receive plain messages."""

from __future__ import annotations

import socketserver
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field


@dataclass
class Received:
    sender: str
    recipients: list[str]
    data: str


@dataclass
class Mailbox:
    host: str
    port: int
    messages: list[Received] = field(default_factory=list)


class _Handler(socketserver.StreamRequestHandler):
    mailbox: Mailbox

    def _reply(self, line: str) -> None:
        self.wfile.write(f"{line}\r\n".encode())

    def handle(self) -> None:
        self._reply("220 test SMTP ready")
        sender, recipients = "", []
        while raw := self.rfile.readline():
            line = raw.decode().rstrip("\r\n")
            verb = line[:4].upper()
            if verb in ("EHLO", "HELO"):
                self._reply("250 test")
            elif verb == "MAIL":
                sender = line.partition(":")[2].strip(" <>")
                self._reply("250 OK")
            elif verb == "RCPT":
                recipients.append(line.partition(":")[2].strip(" <>"))
                self._reply("250 OK")
            elif verb == "DATA":
                self._reply("354 End data with <CR><LF>.<CR><LF>")
                lines = []
                while (data_line := self.rfile.readline().decode()) not in (".\r\n", ""):
                    lines.append(data_line)
                self.mailbox.messages.append(Received(sender, recipients, "".join(lines)))
                sender, recipients = "", []
                self._reply("250 OK queued")
            elif verb == "QUIT":
                self._reply("221 Bye")
                return
            else:
                self._reply("250 OK")


@contextmanager
def smtp_server() -> Iterator[Mailbox]:
    mailbox = Mailbox(host="127.0.0.1", port=0)
    handler = type("Handler", (_Handler,), {"mailbox": mailbox})
    with socketserver.ThreadingTCPServer(("127.0.0.1", 0), handler) as server:
        server.daemon_threads = True
        mailbox.port = server.server_address[1]
        thread = threading.Thread(target=server.serve_forever, daemon=True)
        thread.start()
        try:
            yield mailbox
        finally:
            server.shutdown()
            thread.join(timeout=5)
