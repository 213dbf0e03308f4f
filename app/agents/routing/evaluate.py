"""How good is the shipped router? ``python -m app.agents.routing.evaluate``

Prints the k-fold cross-validated accuracy on the corpus (recorded by training; the test suite
checks model.json is a fresh build of the corpus), the accuracy on the held-out file, precision
and coverage of the confident predictions, and the held-out confusion matrix. Exits 1 when
held-out accuracy < 0.90 or confident precision < 0.95, so CI fails on a worse router.
"""

from __future__ import annotations

import json
import sys
from collections.abc import Sequence
from dataclasses import dataclass

from app.agents.routing import CONFIDENT_THRESHOLD, classify
from app.agents.routing.train import CLASSES, HELDOUT, MODEL, Example, load

MIN_ACCURACY = 0.90
MIN_CONFIDENT_PRECISION = 0.95


@dataclass(frozen=True)
class Report:
    accuracy: float
    confident_precision: float
    confident_coverage: float
    confusion: dict[str, dict[str, int]]  # expected → predicted → count
    mistakes: list[tuple[str, str, str, float]]  # text, expected, predicted, confidence

    @property
    def passed(self) -> bool:
        return self.accuracy >= MIN_ACCURACY and self.confident_precision >= MIN_CONFIDENT_PRECISION


def evaluate(examples: Sequence[Example]) -> Report:
    confusion = {e: dict.fromkeys(CLASSES, 0) for e in CLASSES}
    right = confident = confident_right = 0
    mistakes = []
    for ex in examples:
        c = classify(ex.text)
        predicted = c.agent.value
        confusion[ex.agent][predicted] += 1
        ok = predicted == ex.agent
        right += ok
        if c.confidence >= CONFIDENT_THRESHOLD:
            confident += 1
            confident_right += ok
        if not ok:
            mistakes.append((ex.text, ex.agent, predicted, c.confidence))
    return Report(
        accuracy=right / len(examples),
        confident_precision=confident_right / confident if confident else 1.0,
        confident_coverage=confident / len(examples),
        confusion=confusion,
        mistakes=mistakes,
    )


def _matrix(confusion: dict[str, dict[str, int]]) -> str:
    short = {c: c[:8] for c in CLASSES}
    corner = "expected / predicted"
    lines = [f"{corner:>22} " + " ".join(f"{short[c]:>8}" for c in CLASSES)]
    for e in CLASSES:
        lines.append(f"{e:>22} " + " ".join(f"{confusion[e][p]:>8}" for p in CLASSES))
    return "\n".join(lines)


def main(argv: Sequence[str] = ()) -> int:
    training = json.loads(MODEL.read_text(encoding="utf-8"))["training"]
    print(
        f"corpus: {training['examples']} questions; {training['folds']}-fold CV accuracy "
        f"{training['cv_accuracy']:.3f}, confident precision {training['cv_confident_precision']:.3f} "
        f"at coverage {training['cv_confident_coverage']:.3f}"
    )
    examples = load(HELDOUT)
    report = evaluate(examples)
    print(
        f"held-out: {len(examples)} questions; accuracy {report.accuracy:.3f} (need ≥ {MIN_ACCURACY}); "
        f"confident (≥ {CONFIDENT_THRESHOLD}) precision {report.confident_precision:.3f} "
        f"(need ≥ {MIN_CONFIDENT_PRECISION}) at coverage {report.confident_coverage:.3f}"
    )
    print(_matrix(report.confusion))
    if "-v" in argv:
        for text, expected, predicted, conf in report.mistakes:
            print(f"  {expected} → {predicted} ({conf:.2f}): {text}")
    print("PASS" if report.passed else "FAIL")
    return 0 if report.passed else 1


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
