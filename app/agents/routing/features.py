"""Text → sparse features, shared by training and inference so the two can never disagree.

Three groups, each scaled to unit length so that no group drowns the others:
- words (``w:design``),
- word bigrams, with ``^`` marking the start of the question (``b:^ design``, ``b:tell me``),
- character 3–5-grams inside word boundaries (``c: des``), which survive typos
  ("desing", "shortner") and inflections ("handled" shares nothing with "led" as a word).
"""

from __future__ import annotations

import math
import re
from itertools import pairwise

_TOKEN = re.compile(r"[a-z0-9]+[+#]*")
_CHAR_NGRAMS = (3, 4, 5)


def tokens(text: str) -> list[str]:
    return _TOKEN.findall(text.lower().replace("’", "'"))


def _unit(group: dict[str, float]) -> dict[str, float]:
    if not group:
        return group
    norm = math.sqrt(sum(v * v for v in group.values()))
    return {k: v / norm for k, v in group.items()}


def extract(text: str) -> dict[str, float]:
    """Feature name → value for one question (binary presence, each group L2-normalised)."""
    toks = tokens(text)
    words = {f"w:{t}": 1.0 for t in toks}
    seq = ["^", *toks]
    bigrams = {f"b:{a} {b}": 1.0 for a, b in pairwise(seq)}
    chars: dict[str, float] = {}
    for t in set(toks):
        padded = f" {t} "
        for n in _CHAR_NGRAMS:
            for i in range(len(padded) - n + 1):
                chars[f"c:{padded[i : i + n]}"] = 1.0
    return {**_unit(words), **_unit(bigrams), **_unit(chars)}


# Words too common to explain anything to a person ("because of 'you'"); they still count in the model.
_FILLER = frozenset(
    "a an the and or of to in on for with at by from is are was be do does did you your i me my we our "
    "it its this that what how why when would could can should will s t about as if not".split()
)


def readable(feature: str) -> str | None:
    """The words behind a word or bigram feature, for a reason a person can read; None for char
    n-grams and for words that say nothing on their own."""
    kind, _, body = feature.partition(":")
    if kind == "w":
        return None if body in _FILLER else body
    if kind == "b":
        words = body.removeprefix("^ ")
        return None if all(w in _FILLER for w in words.split()) else words
    return None
