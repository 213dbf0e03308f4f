"""Train the question router from ``data/corpus.jsonl`` and write ``model.json``.

    python -m app.agents.routing.train           # rebuild model.json
    python -m app.agents.routing.train --check   # exit 1 if model.json differs from a fresh build

The model is multinomial logistic regression over the features in ``features.py``, fitted by
plain SGD with L2 regularisation, a fixed seed and a fixed number of epochs: the same corpus
always gives the same file, byte for byte. Calibration uses only the corpus: the logits of a
stratified k-fold cross-validation are used to fit a softmax temperature, and the confident
threshold is the lowest probability above which the cross-validated predictions are right at
least ``TARGET_PRECISION`` of the time. ``data/heldout.jsonl`` is never read here.
"""

from __future__ import annotations

import json
import math
import random
import sys
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

from app.agents.routing.features import extract
from app.agents.specialists import AgentId

HERE = Path(__file__).parent
CORPUS = HERE / "data" / "corpus.jsonl"
HELDOUT = HERE / "data" / "heldout.jsonl"
MODEL = HERE / "model.json"

CLASSES: tuple[str, ...] = tuple(a.value for a in AgentId)
SEED = 20261127
FOLDS = 5
EPOCHS = 25
L2 = 1e-4
ETA0 = 0.5
MIN_DF = 2  # a feature must occur in two training questions to get a weight
TARGET_PRECISION = 0.97  # 0.95 is promised; the margin absorbs the difference between CV and new text
PRUNE_BELOW = 2e-3  # features whose weights all stay below this are dropped from the file
DECIMALS = 4

Sparse = list[tuple[int, float]]


@dataclass(frozen=True)
class Example:
    text: str
    agent: str


def load(path: Path) -> list[Example]:
    rows = []
    for line in path.read_text(encoding="utf-8").splitlines():
        if line.strip():
            obj = json.loads(line)
            if obj["agent"] not in CLASSES:
                raise ValueError(f"{path.name}: unknown agent {obj['agent']!r}")
            rows.append(Example(obj["text"], obj["agent"]))
    return rows


def softmax(z: Sequence[float]) -> list[float]:
    top = max(z)
    exps = [math.exp(v - top) for v in z]
    total = sum(exps)
    return [e / total for e in exps]


@dataclass
class Linear:
    """Weights per feature name (one per class) and a bias per class."""

    weights: dict[str, list[float]]
    bias: list[float]

    def logits(self, feats: dict[str, float]) -> list[float]:
        z = list(self.bias)
        for name, value in feats.items():
            row = self.weights.get(name)
            if row is not None:
                for c, w in enumerate(row):
                    z[c] += w * value
        return z


def fit(texts: Sequence[dict[str, float]], labels: Sequence[int]) -> Linear:
    """Multinomial logistic regression by SGD (Bottou's schedule, weight decay kept as one scale)."""
    df: dict[str, int] = {}
    for feats in texts:
        for name in feats:
            df[name] = df.get(name, 0) + 1
    names = sorted(n for n, count in df.items() if count >= MIN_DF)
    index = {n: i for i, n in enumerate(names)}
    rows: list[Sparse] = [[(index[n], v) for n, v in f.items() if n in index] for f in texts]
    k = len(CLASSES)
    w = [[0.0] * k for _ in names]
    b = [0.0] * k
    scale = 1.0
    order = list(range(len(rows)))
    rng = random.Random(SEED)
    t = 0
    for _ in range(EPOCHS):
        rng.shuffle(order)
        for i in order:
            lr = ETA0 / (1 + ETA0 * L2 * t)
            t += 1
            x = rows[i]
            z = [0.0] * k
            for f, v in x:
                row = w[f]
                for c in range(k):
                    z[c] += row[c] * v
            p = softmax([b[c] + scale * z[c] for c in range(k)])
            p[labels[i]] -= 1.0  # now the gradient of the loss w.r.t. the logits
            scale *= 1 - lr * L2
            step = lr / scale
            for f, v in x:
                row = w[f]
                for c in range(k):
                    row[c] -= step * p[c] * v
            for c in range(k):
                b[c] -= lr * p[c]
    return Linear({n: [scale * v for v in w[i]] for i, n in enumerate(names)}, b)


def stratified_folds(labels: Sequence[int], k: int = FOLDS) -> list[int]:
    """A fold number per example: each class dealt round-robin after a seeded shuffle."""
    rng = random.Random(SEED)
    fold = [0] * len(labels)
    for c in range(len(CLASSES)):
        members = [i for i, y in enumerate(labels) if y == c]
        rng.shuffle(members)
        for j, i in enumerate(members):
            fold[i] = j % k
    return fold


def out_of_fold_logits(feats: Sequence[dict[str, float]], labels: Sequence[int]) -> list[list[float]]:
    fold = stratified_folds(labels)
    out: list[list[float]] = [[] for _ in labels]
    for k in range(FOLDS):
        train = [i for i in range(len(labels)) if fold[i] != k]
        model = fit([feats[i] for i in train], [labels[i] for i in train])
        for i in range(len(labels)):
            if fold[i] == k:
                out[i] = model.logits(feats[i])
    return out


def nll(logits: Sequence[Sequence[float]], labels: Sequence[int], temperature: float) -> float:
    return -sum(
        math.log(max(softmax([v / temperature for v in z])[y], 1e-300))
        for z, y in zip(logits, labels, strict=True)
    ) / len(labels)


def fit_temperature(logits: Sequence[Sequence[float]], labels: Sequence[int]) -> float:
    """The temperature minimising the cross-validated log loss (golden-section search on log T)."""
    lo, hi = math.log(0.05), math.log(20.0)
    ratio = (math.sqrt(5) - 1) / 2
    for _ in range(60):
        a = hi - ratio * (hi - lo)
        c = lo + ratio * (hi - lo)
        if nll(logits, labels, math.exp(a)) < nll(logits, labels, math.exp(c)):
            hi = c
        else:
            lo = a
    return round(math.exp((lo + hi) / 2), 4)


def choose_threshold(confidences: Sequence[float], correct: Sequence[bool]) -> float:
    """The lowest threshold (two decimals) from which every higher cut keeps precision ≥ target."""
    best = 1.0
    for step in range(100, 29, -1):
        cut = step / 100
        chosen = [ok for p, ok in zip(confidences, correct, strict=True) if p >= cut]
        if chosen and sum(chosen) / len(chosen) < TARGET_PRECISION:
            break
        best = cut
    return best


def confident_stats(
    confidences: Sequence[float], correct: Sequence[bool], threshold: float
) -> tuple[float, float]:
    """(precision, coverage) of the predictions at or above the threshold."""
    chosen = [ok for p, ok in zip(confidences, correct, strict=True) if p >= threshold]
    precision = sum(chosen) / len(chosen) if chosen else 1.0
    return precision, len(chosen) / len(correct)


def build(corpus: Sequence[Example]) -> dict[str, object]:
    feats = [extract(e.text) for e in corpus]
    labels = [CLASSES.index(e.agent) for e in corpus]
    oof = out_of_fold_logits(feats, labels)
    temperature = fit_temperature(oof, labels)
    probs = [softmax([v / temperature for v in z]) for z in oof]
    confidence = [max(p) for p in probs]
    correct = [p.index(max(p)) == y for p, y in zip(probs, labels, strict=True)]
    threshold = choose_threshold(confidence, correct)
    precision, coverage = confident_stats(confidence, correct, threshold)
    model = fit(feats, labels)
    weights = {
        name: [round(v, DECIMALS) for v in row]
        for name, row in sorted(model.weights.items())
        if max(abs(v) for v in row) >= PRUNE_BELOW
    }
    return {
        "format": 1,
        "classes": list(CLASSES),
        "temperature": temperature,
        "confident_threshold": threshold,
        "training": {
            "examples": len(corpus),
            "folds": FOLDS,
            "cv_accuracy": round(sum(correct) / len(correct), 4),
            "cv_confident_precision": round(precision, 4),
            "cv_confident_coverage": round(coverage, 4),
            "seed": SEED,
            "epochs": EPOCHS,
            "l2": L2,
        },
        "bias": [round(v, DECIMALS) for v in model.bias],
        "weights": weights,
    }


def dumps(model: dict[str, object]) -> str:
    """One feature per line: small, and a diff of a retrained model stays readable."""
    head = {k: v for k, v in model.items() if k != "weights"}
    weights = model["weights"]
    assert isinstance(weights, dict)
    lines = [json.dumps(head, separators=(",", ":"))[:-1] + ',"weights":{']
    items = [f"{json.dumps(n)}:{json.dumps(w, separators=(',', ':'))}" for n, w in weights.items()]
    lines.append(",\n".join(items))
    lines.append("}}\n")
    return "\n".join(lines)


def main(argv: Sequence[str] = ()) -> int:
    text = dumps(build(load(CORPUS)))
    if "--check" in argv:
        same = MODEL.exists() and MODEL.read_text(encoding="utf-8") == text
        print("model.json matches the corpus" if same else "model.json is stale: run `make train-router`")
        return 0 if same else 1
    MODEL.write_text(text, encoding="utf-8")
    info = json.loads(text)
    t = info["training"]
    print(
        f"wrote {MODEL} ({len(text) // 1024} KiB, {len(info['weights'])} features); "
        f"CV accuracy {t['cv_accuracy']:.3f}, temperature {info['temperature']}, "
        f"confident threshold {info['confident_threshold']} "
        f"(CV precision {t['cv_confident_precision']:.3f}, coverage {t['cv_confident_coverage']:.3f})"
    )
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
