"""The trained question router: which specialist should coach this question, and how sure we are.

A linear model over words, word pairs and character n-grams (``features.py``), trained by
``train.py`` on ``data/corpus.jsonl`` and shipped as ``model.json``. Inference is plain Python
(a dictionary lookup per feature), well under a millisecond a question. Probabilities are
calibrated (temperature scaling on cross-validation), so ``confidence`` means what it says:
at or above ``CONFIDENT_THRESHOLD`` the router is right at least 95% of the time on questions
it has never seen; below it the reason says the answer is a best guess.
"""

from __future__ import annotations

import json
import math
from dataclasses import dataclass
from functools import cache
from pathlib import Path

from app.agents.routing.features import extract, readable
from app.agents.specialists import AgentId

MODEL_PATH = Path(__file__).parent / "model.json"

# How each specialist's questions are called in a reason shown to the user.
_KIND = {
    AgentId.product_manager: "a product question",
    AgentId.technical: "a technical-concepts question",
    AgentId.architect: "a software architecture question",
    AgentId.coding: "a coding question",
    AgentId.behavioral: "a behavioral question",
    AgentId.system_design: "a system design question",
}


@dataclass(frozen=True)
class Classification:
    agent: AgentId
    confidence: float
    reason: str
    probabilities: dict[str, float]


@dataclass(frozen=True)
class _Model:
    classes: tuple[AgentId, ...]
    weights: dict[str, list[float]]
    bias: list[float]
    temperature: float
    threshold: float


@cache
def _model() -> _Model:
    raw = json.loads(MODEL_PATH.read_text(encoding="utf-8"))
    return _Model(
        classes=tuple(AgentId(c) for c in raw["classes"]),
        weights=raw["weights"],
        bias=raw["bias"],
        temperature=raw["temperature"],
        threshold=raw["confident_threshold"],
    )


# Calibrated on cross-validation when the model was trained (see train.py).
CONFIDENT_THRESHOLD: float = _model().threshold if MODEL_PATH.exists() else 1.0


def _evidence(model: _Model, feats: dict[str, float], best: int) -> list[str]:
    """The words that pushed most towards the chosen specialist, strongest first."""
    scored: list[tuple[float, str]] = []
    for name, value in feats.items():
        row = model.weights.get(name)
        words = readable(name)
        if row is None or words is None:
            continue
        push = (row[best] - sum(row) / len(row)) * value
        if push > 0.05:
            scored.append((push, words))
    scored.sort(key=lambda s: (-s[0], s[1]))
    shown: list[str] = []
    for _, words in scored:
        if not any(words in s or s in words for s in shown):
            shown.append(words)
        if len(shown) == 3:
            break
    return shown


def classify(question: str) -> Classification:
    model = _model()
    feats = extract(question)
    z = list(model.bias)
    for name, value in feats.items():
        row = model.weights.get(name)
        if row is not None:
            for c, w in enumerate(row):
                z[c] += w * value
    top = max(z)
    exps = [math.exp((v - top) / model.temperature) for v in z]
    total = sum(exps)
    probs = [e / total for e in exps]
    best = max(range(len(probs)), key=probs.__getitem__)
    # Rounded down, so a shown confidence at or above the threshold always means "confident".
    confidence = math.floor(probs[best] * 1000) / 1000
    agent = model.classes[best]
    words = _evidence(model, feats, best)
    because = f" ({', '.join(repr(w) for w in words)})" if words else ""
    if probs[best] >= model.threshold:
        reason = f"Looks like {_KIND[agent]}{because}."
    else:
        second = sorted(range(len(probs)), key=lambda c: -probs[c])[1]
        reason = (
            f"Best guess: {_KIND[agent]}{because} (not confident; "
            f"it could also be {_KIND[model.classes[second]]})."
        )
    return Classification(
        agent, confidence, reason, {c.value: round(p, 4) for c, p in zip(model.classes, probs, strict=True)}
    )


__all__ = ["CONFIDENT_THRESHOLD", "Classification", "classify"]
