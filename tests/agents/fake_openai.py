"""A small OpenAI-compatible server for tests: real HTTP on loopback, scripted behaviour.

It speaks the chat-completions wire protocol: streamed chunks (SSE) for answers, tool calls or
JSON for structured output, and can fail, stall or drop the connection on request.
"""

from __future__ import annotations

import asyncio
import json
import socket
import threading
import time
from dataclasses import dataclass, field
from typing import Any

import uvicorn
from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import JSONResponse, StreamingResponse
from starlette.routing import Route


@dataclass
class Scenario:
    mode: str = "ok"  # ok | error | auth_error | stall | drop | slow
    answer: str = (
        "Start with the requirements. Then estimate the load. Then sketch the API and the data model."
    )
    route_agent: str = "architect"
    tool_args: str | None = None  # raw tool-call arguments, to test a small model's invalid output
    grade: dict[str, Any] | None = None  # the structured grade (GradeOutput) to return
    grade_raw: str | None = None  # or raw arguments, to test a malformed grade
    # Which structured-output requests the server accepts, like real servers: "all"; "no_json_schema"
    # (llama.cpp: a 500 for response_format json_schema); "json_object_only" (also a 400 for tools);
    # "none" (every structured request fails).
    structured_support: str = "all"
    structured_formats: list[str] = field(default_factory=list)  # tools | json_schema | json_object | text
    follow_ups: list[str] = field(
        default_factory=lambda: ["What breaks first?", "How would you shard it?", "What would you monitor?"]
    )
    chunk_delay_s: float = 0.0
    stream_requests: int = 0
    structured_requests: int = 0
    closed_early: list[float] = field(default_factory=list)  # times a stream was cut by the client
    finished_streams: int = 0
    last_messages: list[dict[str, Any]] = field(default_factory=list)


def _chunk(delta: dict[str, Any], finish: str | None = None) -> str:
    body = {
        "id": "chatcmpl-fake",
        "object": "chat.completion.chunk",
        "created": int(time.time()),
        "model": "fake-model",
        "choices": [{"index": 0, "delta": delta, "finish_reason": finish}],
    }
    return f"data: {json.dumps(body)}\n\n"


class FakeOpenAI:
    def __init__(self) -> None:
        self.scenario = Scenario()
        self.app = Starlette(routes=[Route("/v1/chat/completions", self.completions, methods=["POST"])])
        self.port = _free_port()
        self._server: uvicorn.Server | None = None
        self._thread: threading.Thread | None = None

    @property
    def base_url(self) -> str:
        return f"http://127.0.0.1:{self.port}/v1"

    def reset(self) -> None:
        self.scenario = Scenario()

    async def completions(self, request: Request) -> Any:
        body = await request.json()
        sc = self.scenario
        if sc.mode == "auth_error":
            return JSONResponse(
                {"error": {"message": "bad key", "type": "invalid_request_error"}}, status_code=401
            )
        if body.get("stream"):
            sc.stream_requests += 1
            sc.last_messages = body.get("messages", [])  # what the answering call was sent
            if sc.mode == "error":
                return JSONResponse(
                    {"error": {"message": "upstream exploded", "type": "server_error"}}, status_code=500
                )
            return StreamingResponse(self._stream(body, sc), media_type="text/event-stream")
        sc.structured_requests += 1
        kind = "tools" if body.get("tools") else ((body.get("response_format") or {}).get("type") or "text")
        sc.structured_formats.append(kind)
        refused = {
            "all": set(),
            "no_json_schema": {"json_schema"},
            "json_object_only": {"json_schema", "tools"},
            "none": {"json_schema", "tools", "json_object", "text"},
        }[sc.structured_support]
        if kind in refused:
            status = 400 if kind == "tools" else 500
            return JSONResponse(
                {"error": {"message": f"{kind} is not supported", "type": "server_error"}}, status_code=status
            )
        return JSONResponse(self._structured(body, sc))

    async def _stream(self, body: dict[str, Any], sc: Scenario) -> Any:
        words = sc.answer.split(" ")
        pieces = [w + (" " if i < len(words) - 1 else "") for i, w in enumerate(words)]
        done = False
        try:
            yield _chunk({"role": "assistant", "content": ""})
            for i, piece in enumerate(pieces):
                if sc.mode == "stall" and i == 2:
                    await asyncio.sleep(30)
                if sc.mode == "drop" and i == 2:
                    raise ConnectionResetError("dropped by the fake")
                yield _chunk({"content": piece})
                if sc.chunk_delay_s:
                    await asyncio.sleep(sc.chunk_delay_s)
            yield _chunk({}, "stop")
            if (body.get("stream_options") or {}).get("include_usage"):
                usage = {
                    "prompt_tokens": 42,
                    "completion_tokens": len(pieces),
                    "total_tokens": 42 + len(pieces),
                }
                yield (
                    "data: "
                    + json.dumps(
                        {
                            "id": "chatcmpl-fake",
                            "object": "chat.completion.chunk",
                            "created": 0,
                            "model": "fake-model",
                            "choices": [],
                            "usage": usage,
                        }
                    )
                    + "\n\n"
                )
            yield "data: [DONE]\n\n"
            done = True
        finally:
            if done:
                sc.finished_streams += 1
            elif sc.mode != "drop":
                sc.closed_early.append(time.monotonic())

    def _structured(self, body: dict[str, Any], sc: Scenario) -> dict[str, Any]:
        tools = body.get("tools") or []
        name = tools[0]["function"]["name"] if tools else None
        if name is None:
            fmt = body.get("response_format") or {}
            name = (fmt.get("json_schema") or {}).get("name")
        if name is None:  # JSON mode: the schema is only in the prompt
            prompt = " ".join(str(m.get("content")) for m in body.get("messages", []))
            if '"better_answer_outline"' in prompt:
                name = "GradeOutput"
            else:
                name = "FollowUps" if '"questions"' in prompt else "RoutingDecision"
        if name == "GradeOutput":
            args = sc.grade_raw if sc.grade_raw is not None else json.dumps(sc.grade or {})
        elif name == "FollowUps":
            args = json.dumps({"questions": sc.follow_ups})
        else:
            args = json.dumps({"agent": sc.route_agent, "confidence": 0.77, "reason": "The fake said so."})
            if tools and sc.tool_args is not None:
                args = sc.tool_args
        usage = {"prompt_tokens": 5, "completion_tokens": 5, "total_tokens": 10}
        if tools:
            message = {
                "role": "assistant",
                "content": None,
                "tool_calls": [
                    {"id": "call_1", "type": "function", "function": {"name": name, "arguments": args}}
                ],
            }
            finish = "tool_calls"
        else:
            message = {"role": "assistant", "content": args}
            finish = "stop"
        return {
            "id": "chatcmpl-fake",
            "object": "chat.completion",
            "created": int(time.time()),
            "model": "fake-model",
            "choices": [{"index": 0, "message": message, "finish_reason": finish}],
            "usage": usage,
        }

    def start(self) -> None:
        config = uvicorn.Config(
            self.app, host="127.0.0.1", port=self.port, log_level="warning", lifespan="off"
        )
        self._server = uvicorn.Server(config)
        self._thread = threading.Thread(target=self._server.run, daemon=True)
        self._thread.start()
        _wait_for_port(self.port)

    def stop(self) -> None:
        if self._server:
            self._server.should_exit = True
        if self._thread:
            self._thread.join(timeout=10)


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def _wait_for_port(port: int, timeout: float = 10) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        with socket.socket() as s:
            if s.connect_ex(("127.0.0.1", port)) == 0:
                return
        time.sleep(0.05)
    raise RuntimeError(f"port {port} did not open")
