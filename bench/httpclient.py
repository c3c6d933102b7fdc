"""A minimal keep-alive HTTP/1.1 client on asyncio streams, for benchmarks.

httpx spends about a millisecond of CPU per request; on a 2-core machine a
benchmark's own client then takes the CPU it is meant to measure the server
with. This one does only what the benchmarks need: GET and urlencoded POST,
cookies, Content-Length bodies, no redirects followed.
"""

from __future__ import annotations

import asyncio
import contextlib
from dataclasses import dataclass, field
from urllib.parse import urlencode


@dataclass
class Reply:
    status: int
    headers: dict[str, str]
    text: str


@dataclass
class Client:
    host: str
    port: int
    cookies: dict[str, str] = field(default_factory=dict)
    reader: asyncio.StreamReader | None = None
    writer: asyncio.StreamWriter | None = None
    resent: int = 0  # requests sent again on a new connection after the old one broke

    async def _connect(self) -> None:
        self.reader, self.writer = await asyncio.open_connection(self.host, self.port)

    async def close(self) -> None:
        if self.writer is not None:
            self.writer.close()
            with contextlib.suppress(OSError):
                await self.writer.wait_closed()
            self.writer = None

    async def request(self, method: str, path: str, data: dict | None = None) -> Reply:
        body = urlencode(data or {}, doseq=True).encode() if method == "POST" else b""
        head = [f"{method} {path} HTTP/1.1", f"Host: {self.host}:{self.port}", "Connection: keep-alive"]
        if self.cookies:
            head.append("Cookie: " + "; ".join(f"{k}={v}" for k, v in self.cookies.items()))
        if method == "POST":
            head += ["Content-Type: application/x-www-form-urlencoded", f"Content-Length: {len(body)}"]
        payload = ("\r\n".join(head) + "\r\n\r\n").encode() + body
        for attempt in range(2):
            if self.writer is None:
                await self._connect()
            try:
                self.writer.write(payload)
                return await self._read()
            except (ConnectionError, asyncio.IncompleteReadError):
                await self.close()  # the server closed an idle connection: reconnect once
                if attempt:
                    raise
                self.resent += 1
        raise ConnectionError("unreachable")

    async def _read(self) -> Reply:
        status_line = await self.reader.readuntil(b"\r\n")
        status = int(status_line.split()[1])
        headers: dict[str, str] = {}
        while True:
            line = await self.reader.readuntil(b"\r\n")
            if line == b"\r\n":
                break
            name, _, value = line.decode("latin-1").partition(":")
            name, value = name.strip().lower(), value.strip()
            if name == "set-cookie":
                key, _, rest = value.partition("=")
                self.cookies[key] = rest.split(";", 1)[0]
            else:
                headers[name] = value
        length = int(headers.get("content-length", "0"))
        body = await self.reader.readexactly(length) if length else b""
        if headers.get("connection", "").lower() == "close":
            await self.close()
        return Reply(status, headers, body.decode("utf-8", "replace"))

    async def get(self, path: str) -> Reply:
        return await self.request("GET", path)

    async def post(self, path: str, data: dict) -> Reply:
        return await self.request("POST", path, data)
