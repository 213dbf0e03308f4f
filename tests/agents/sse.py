"""A real SSE parser for the tests (multi-line data, comments, ids), over whole bodies or live streams."""

from __future__ import annotations

import json
from collections.abc import AsyncIterator
from typing import Any

import httpx


def parse_block(block: str) -> dict[str, Any] | None:
    event, ident, data, comments = None, None, [], []
    for line in block.splitlines():
        if line.startswith(":"):
            comments.append(line[1:].strip())
            continue
        field, _, value = line.partition(":")
        value = value[1:] if value.startswith(" ") else value
        if field == "event":
            event = value
        elif field == "id":
            ident = value
        elif field == "data":
            data.append(value)
    if not data:
        return {"comment": comments} if comments else None
    payload = json.loads("\n".join(data))
    return {"event": event, "id": ident, "payload": payload}


def parse(text: str) -> list[dict[str, Any]]:
    text = text.replace("\r\n", "\n")
    events = [parse_block(b) for b in text.split("\n\n")]
    return [e for e in events if e and "payload" in e]


async def iter_events(response: httpx.Response) -> AsyncIterator[dict[str, Any]]:
    buffer = ""
    async for piece in response.aiter_text():
        buffer += piece.replace("\r\n", "\n")
        while "\n\n" in buffer:
            block, buffer = buffer.split("\n\n", 1)
            event = parse_block(block)
            if event and "payload" in event:
                yield event
