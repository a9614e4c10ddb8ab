"""A small HTTP client: a new connection per request, its own cookies, CSRF tokens read from the
pages as a browser would, and the private API's bearer token."""

from __future__ import annotations

import http.client
import json
import re
import secrets
from collections.abc import Mapping
from dataclasses import dataclass, field
from http.cookies import SimpleCookie
from typing import Any
from urllib.parse import urlencode

CSRF = re.compile(r'name="csrf_token"[^>]*value="([^"]+)"')


@dataclass
class Answer:
    status: int
    headers: dict[str, str]
    body: bytes

    @property
    def text(self) -> str:
        return self.body.decode("utf-8", "replace")

    def json(self) -> Any:
        return json.loads(self.body)


@dataclass
class Client:
    """Talks to one address (an app host directly, or HAProxy)."""

    address: str
    port: int
    timeout: float = 15.0
    cookies: dict[str, str] = field(default_factory=dict)
    token: str | None = None
    forwarded_for: str | None = None

    def at(self, address: str, port: int) -> Client:
        """The same visitor (cookies, token) talking to another address."""
        return Client(address, port, self.timeout, self.cookies, self.token, self.forwarded_for)

    def request(
        self,
        method: str,
        path: str,
        body: bytes | None = None,
        headers: Mapping[str, str] | None = None,
    ) -> Answer:
        connection = http.client.HTTPConnection(self.address, self.port, timeout=self.timeout)
        sent = {"Connection": "close", **(headers or {})}
        if self.cookies:
            sent["Cookie"] = "; ".join(f"{k}={v}" for k, v in self.cookies.items())
        if self.token:
            sent["Authorization"] = f"Bearer {self.token}"
        if self.forwarded_for:
            sent["X-Forwarded-For"] = self.forwarded_for
        try:
            connection.request(method, path, body=body, headers=sent)
            response = connection.getresponse()
            data = response.read()
            for header in response.msg.get_all("Set-Cookie") or []:
                self._keep(header)
            return Answer(response.status, {k.lower(): v for k, v in response.getheaders()}, data)
        finally:
            connection.close()

    def get(self, path: str) -> Answer:
        return self.request("GET", path)

    def form(self, path: str, fields: Mapping[str, str]) -> Answer:
        body = urlencode(fields).encode()
        return self.request(
            "POST", path, body, {"Content-Type": "application/x-www-form-urlencoded"}
        )

    def send_json(self, method: str, path: str, payload: Any) -> Answer:
        body = json.dumps(payload).encode()
        return self.request(method, path, body, {"Content-Type": "application/json"})

    def upload(self, path: str, field_name: str, filename: str, data: bytes, kind: str) -> Answer:
        boundary = f"mh{secrets.token_hex(12)}"
        head = (
            f'--{boundary}\r\nContent-Disposition: form-data; name="{field_name}"; '
            f'filename="{filename}"\r\nContent-Type: {kind}\r\n\r\n'
        )
        body = head.encode() + data + f"\r\n--{boundary}--\r\n".encode()
        return self.request(
            "POST", path, body, {"Content-Type": f"multipart/form-data; boundary={boundary}"}
        )

    def _keep(self, header: str) -> None:
        cookie: SimpleCookie = SimpleCookie()
        cookie.load(header)
        for name, morsel in cookie.items():
            if morsel["max-age"] == "0" or not morsel.value:
                self.cookies.pop(name, None)
            else:
                self.cookies[name] = morsel.value


def csrf_token(answer: Answer) -> str:
    match = CSRF.search(answer.text)
    if match is None:
        raise RuntimeError(f"no CSRF token in the page (status {answer.status})")
    return match.group(1)
