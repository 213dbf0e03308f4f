"""uvicorn's HTTP protocol with a bound on request headers.

uvicorn's httptools protocol buffers a request's headers however large they are (a 50 MB
``Authorization`` header is read in full, and the event loop stalls parsing it). This subclass
counts the bytes received while a request's headers are incomplete and answers
``431 Request Header Fields Too Large`` (a problem document) as soon as they pass the limit,
then closes the connection: the rest is never read.
"""

from __future__ import annotations

import json
from typing import Any

from uvicorn.protocols.http.httptools_impl import HttpToolsProtocol

MAX_HEADER_BYTES = 64 * 1024  # request line + headers; browsers and proxies stay far below


def _431(limit: int) -> bytes:
    body = json.dumps(
        {
            "type": "/problems/request-header-fields-too-large",
            "title": "Request header fields too large",
            "status": 431,
            "detail": f"The request line and headers are larger than {limit} bytes.",
        }
    ).encode()
    head = (
        "HTTP/1.1 431 Request Header Fields Too Large\r\n"
        "content-type: application/problem+json\r\n"
        f"content-length: {len(body)}\r\n"
        "connection: close\r\n\r\n"
    ).encode()
    return head + body


class HeaderLimitedHttpToolsProtocol(HttpToolsProtocol):
    """HttpToolsProtocol that refuses requests whose head exceeds ``max_header_bytes``."""

    max_header_bytes = MAX_HEADER_BYTES

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self._head_bytes = 0  # bytes received since the current request's head began
        self._in_body = False  # the head is complete; what follows is the body
        self._refused = False  # answered 431: nothing more is parsed on this connection

    def data_received(self, data: bytes) -> None:
        if self._refused or self.parser is None:  # refused (or lost: uvicorn drops its parser)
            return
        if not self._in_body:
            self._head_bytes += len(data)
        super().data_received(data)
        # Checked after parsing: a chunk may end the head and carry a large body with it.
        if not self._in_body and self._head_bytes > self.max_header_bytes and self.parser is not None:
            self._refuse()

    def on_headers_complete(self) -> None:
        self._in_body = True
        self._head_bytes = 0
        super().on_headers_complete()

    def on_message_complete(self) -> None:
        self._in_body = False
        super().on_message_complete()

    def _refuse(self) -> None:
        self.logger.warning("Request headers over %d bytes refused (431).", self.max_header_bytes)
        if not self.transport.is_closing():
            self.transport.write(_431(self.max_header_bytes))
            self.transport.close()
        self._refused = True
