"""What the offline coach knows, as data: ``data/<discipline>.yaml`` loaded once and validated,
and a matcher that finds the topic a question is about by whole words and phrases.

Matching works on a normalised question (lowercase, punctuation dropped, possessives removed):
a phrase matches only as a run of whole words, with light tolerance (plural endings, and one
typo in words of six letters or more). The longest, most specific phrase wins; below a minimum
score there is no topic, and the coach says so instead of answering another topic.
"""

from __future__ import annotations

import functools
import re
import unicodedata
from dataclasses import dataclass
from pathlib import Path

import yaml

from app.agents.knowledge.models import Code, DisciplineFile, Framework, Topic
from app.agents.specialists import AgentId

__all__ = ["Code", "DisciplineFile", "Framework", "KnowledgeBase", "Match", "Topic", "default", "load"]

DATA_DIR = Path(__file__).parent / "data"

# A topic needs at least this much matched phrase (letters of whole words) to count.
MIN_SCORE = 3.0

_TOKEN = re.compile(r"[a-z0-9]+(?:\+\+|#)?")


def normalise(text: str) -> str:
    text = unicodedata.normalize("NFKC", text).lower().replace("’", "'")
    text = re.sub(r"'s\b", "", text)
    return " ".join(_TOKEN.findall(text))


def tokens(text: str) -> list[str]:
    return normalise(text).split()


def stem(word: str) -> str:
    """Light plural folding: queues → queue, policies → policy, caches → cache."""
    if len(word) > 4 and word.endswith("ies"):
        return word[:-3] + "y"
    if len(word) > 3 and word.endswith("s") and not word.endswith(("ss", "us", "is")):
        return word[:-1]
    return word


def _forms(word: str) -> set[str]:
    """A word and its possible singulars (matches → matche, match)."""
    forms = {word, stem(word)}
    if len(word) > 4 and word.endswith("es"):
        forms.add(word[:-2])
    return forms


def _within_one_edit(a: str, b: str) -> bool:
    """Levenshtein distance ≤ 1, or one swap of adjacent letters."""
    if a == b:
        return True
    la, lb = len(a), len(b)
    if abs(la - lb) > 1:
        return False
    if la == lb:
        diff = [i for i in range(la) if a[i] != b[i]]
        if len(diff) == 1:
            return True
        return (
            len(diff) == 2
            and diff[1] == diff[0] + 1
            and a[diff[0]] == b[diff[1]]
            and a[diff[1]] == b[diff[0]]
        )
    if la > lb:
        a, b = b, a
    i = 0
    while i < len(a) and a[i] == b[i]:
        i += 1
    return a[i:] == b[i + 1 :]


def _word_score(phrase_word: str, question_word: str) -> float:
    """Letters credited for one word: full for an exact (or plural) match, less for a typo."""
    if phrase_word == question_word or _forms(phrase_word) & _forms(question_word):
        return float(len(phrase_word))
    if len(phrase_word) >= 6 and len(question_word) >= 6 and _within_one_edit(phrase_word, question_word):
        return len(phrase_word) - 1.5
    return 0.0


def _phrase_score(phrase: list[str], question: list[str]) -> float:
    best = 0.0
    n = len(phrase)
    for start in range(len(question) - n + 1):
        total = 0.0
        for offset, word in enumerate(phrase):
            s = _word_score(word, question[start + offset])
            if not s:
                break
            total += s
        else:
            best = max(best, total + 2.0 * (n - 1))  # a multi-word phrase is more specific
    return best


@dataclass(frozen=True)
class Match:
    topic: Topic
    discipline: AgentId
    score: float
    phrase: str


@dataclass(frozen=True)
class _Entry:
    topic: Topic
    discipline: AgentId
    phrases: tuple[tuple[str, tuple[str, ...]], ...]  # (as written, its words)


class KnowledgeBase:
    def __init__(self, files: dict[AgentId, DisciplineFile]) -> None:
        self.files = files
        self._entries: list[_Entry] = []
        ids: dict[str, AgentId] = {}
        phrases: dict[tuple[str, ...], str] = {}
        for discipline, f in files.items():
            for t in f.topics:
                if t.id in ids:
                    raise ValueError(f"topic id {t.id!r} is in both {ids[t.id]} and {discipline}")
                ids[t.id] = discipline
                stemmed = []
                for p in t.phrases:
                    words = tuple(tokens(p))
                    if not words:
                        raise ValueError(f"{t.id}: phrase {p!r} has no words")
                    key = tuple(stem(w) for w in words)
                    if key in phrases and phrases[key] != t.id:
                        raise ValueError(f"phrase {p!r} is in both {phrases[key]} and {t.id}")
                    phrases[key] = t.id
                    stemmed.append((p, words))
                self._entries.append(_Entry(t, discipline, tuple(stemmed)))
        self._by_id = {e.topic.id: e for e in self._entries}
        # A suggested follow-up, asked as written (clicked), belongs to the topic that suggested it.
        self._follow_ups = {normalise(q): e for e in self._entries for q in e.topic.follow_ups}

    @property
    def topics(self) -> list[Topic]:
        return [e.topic for e in self._entries]

    def discipline_of(self, topic_id: str) -> AgentId:
        return self._by_id[topic_id].discipline

    def topic(self, topic_id: str) -> Topic:
        return self._by_id[topic_id].topic

    def framework(self, discipline: AgentId) -> Framework | None:
        f = self.files.get(discipline)
        return f.framework if f else None

    def scores(self, question: str, discipline: AgentId | None = None) -> list[Match]:
        """Every topic that matches, best first."""
        words = tokens(question)
        found: list[Match] = []
        for e in self._entries:
            if discipline is not None and e.discipline is not discipline:
                continue
            per_phrase = sorted(((_phrase_score(list(ws), words), p) for p, ws in e.phrases), reverse=True)
            best, phrase = per_phrase[0]
            if best < MIN_SCORE:
                continue
            # Other phrases of the same topic add a little: more evidence, same subject.
            extra = sum(s for s, _ in per_phrase[1:] if s >= MIN_SCORE)
            found.append(Match(e.topic, e.discipline, best + 0.25 * extra, phrase))
        found.sort(key=lambda m: (-m.score, m.topic.id))
        return found

    def match(self, question: str, discipline: AgentId | None = None) -> Match | None:
        """The topic the question is about (within one discipline when given), or None when
        nothing matches well enough: better an honest "no notes" than another topic's answer."""
        entry = self._follow_ups.get(normalise(question))
        if entry is not None and (discipline is None or entry.discipline is discipline):
            return Match(entry.topic, entry.discipline, 100.0, "(its own follow-up)")
        found = self.scores(question, discipline)
        return found[0] if found else None


def load_file(path: Path) -> DisciplineFile:
    with path.open(encoding="utf-8") as fh:
        raw = yaml.safe_load(fh)
    parsed = DisciplineFile.model_validate(raw)
    if parsed.discipline.value != path.stem:
        raise ValueError(f"{path.name} declares discipline {parsed.discipline.value!r}")
    return parsed


def load(directory: Path = DATA_DIR) -> KnowledgeBase:
    """Load and validate every discipline file in the directory (a missing one is simply absent:
    that discipline falls back to its specialist's framework)."""
    files: dict[AgentId, DisciplineFile] = {}
    for agent in AgentId:
        path = directory / f"{agent.value}.yaml"
        if path.exists():
            files[agent] = load_file(path)
    return KnowledgeBase(files)


@functools.cache
def default() -> KnowledgeBase:
    return load()
