"""The knowledge files: they load and validate, every code sample runs, and the matcher finds
topics by whole words and phrases only (never substrings), or honestly finds none."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
import yaml
from pydantic import ValidationError

from app.agents import knowledge
from app.agents.knowledge import DisciplineFile, KnowledgeBase
from app.agents.knowledge.models import SECTIONS
from app.agents.specialists import AgentId

FIXTURE = Path(__file__).parent / "knowledge_fixture"
REAL = knowledge.load()
CODE_TOPICS = [t for t in REAL.topics if t.code is not None]


@pytest.fixture(scope="module")
def kb() -> KnowledgeBase:
    return knowledge.load(FIXTURE)


# --- the real files -----------------------------------------------------------------------


def test_every_discipline_has_a_file_and_enough_topics() -> None:
    assert set(REAL.files) == set(AgentId), sorted(a.value for a in set(AgentId) - set(REAL.files))
    assert len(REAL.topics) >= 150
    for agent, f in REAL.files.items():
        assert len(f.topics) >= 15, (agent, len(f.topics))
        assert f.framework.steps


@pytest.mark.parametrize("topic", CODE_TOPICS, ids=lambda t: t.id)
def test_every_code_sample_runs(topic: Any) -> None:
    namespace: dict[str, Any] = {"__name__": f"knowledge_{topic.id.replace('-', '_')}"}
    exec(compile(topic.code.source, f"{topic.id}.source", "exec"), namespace)
    exec(compile(topic.code.tests, f"{topic.id}.tests", "exec"), namespace)


def test_each_phrase_and_follow_up_finds_its_own_topic() -> None:
    wrong = []
    for t in REAL.topics:
        discipline = REAL.discipline_of(t.id)
        for text in [*t.phrases, *t.follow_ups]:
            m = REAL.match(text, discipline)
            if m is None or m.topic.id != t.id:
                wrong.append((t.id, text, m.topic.id if m else None))
    assert not wrong, wrong[:20]


def test_no_phrase_matches_inside_a_longer_word() -> None:
    for t in REAL.topics:
        for p in t.phrases:
            glued = "x" + knowledge.normalise(p).replace(" ", "") + "zzq"
            m = REAL.match(f"Tell me about {glued}.")
            assert m is None or m.topic.id != t.id, (t.id, p)


# --- the format -----------------------------------------------------------------------------


def _raw(name: str) -> dict[str, Any]:
    data: dict[str, Any] = yaml.safe_load((FIXTURE / name).read_text())
    return data


def test_fixture_files_validate(kb: KnowledgeBase) -> None:
    assert {t.id for t in kb.topics} == {
        "longest-palindrome",
        "longest-unique-substring",
        "cap-theorem",
        "database-indexes",
    }


@pytest.mark.parametrize(
    ("change", "message"),
    [
        (lambda d: d["topics"][0].update(colour="red"), "Extra inputs"),
        (lambda d: d.update(version=2), "Extra inputs"),
        (lambda d: d["topics"][0].pop("code"), "need `code`"),
        (lambda d: d["topics"][0].pop("complexity"), "need `code`"),
        (lambda d: d["topics"][0]["follow_ups"].pop(), "at least 3"),
        (lambda d: d["topics"][1].update(id="longest-palindrome"), "repeats"),
        (lambda d: d["topics"][0]["sections"].update(Vibes=["x"]), "unknown headings"),
        (lambda d: d["topics"][0].update(sections={"Tests": ["a"], "Clarify": ["b"]}), "out of order"),
        (lambda d: d["topics"][0].update(phrases=["Palindrome", "b c", "d e"]), "lowercase"),
        (lambda d: d["framework"]["steps"].append("Mention {topic}."), "only {subject}"),
        (lambda d: d["topics"][0].update(id="Not A Slug"), "slug"),
    ],
)
def test_the_format_is_strict(change: Any, message: str) -> None:
    data = _raw("coding.yaml")
    change(data)
    with pytest.raises(ValidationError, match=message):
        DisciplineFile.model_validate(data)


def test_ids_and_phrases_are_unique_across_files() -> None:
    coding = DisciplineFile.model_validate(_raw("coding.yaml"))
    technical = _raw("technical.yaml")
    technical["topics"][0]["id"] = "longest-palindrome"
    with pytest.raises(ValueError, match="in both"):
        KnowledgeBase({AgentId.coding: coding, AgentId.technical: DisciplineFile.model_validate(technical)})
    technical = _raw("technical.yaml")
    technical["topics"][0]["phrases"][0] = "longest palindromes"  # same words after plural folding
    with pytest.raises(ValueError, match="in both"):
        KnowledgeBase({AgentId.coding: coding, AgentId.technical: DisciplineFile.model_validate(technical)})


def test_a_file_must_be_named_after_its_discipline(tmp_path: Path) -> None:
    (tmp_path / "technical.yaml").write_text((FIXTURE / "coding.yaml").read_text())
    with pytest.raises(ValueError, match="declares discipline"):
        knowledge.load(tmp_path)


def test_sections_cover_every_discipline() -> None:
    assert set(SECTIONS) == set(AgentId)


# --- the matcher ----------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("question", "topic"),
    [
        ("Find the longest palindromic substring", "longest-palindrome"),
        ("Find the longest substring without repeating characters.", "longest-unique-substring"),
        ("Explain the CAP theorem.", "cap-theorem"),
        ("What's the CAP-theorem about?", "cap-theorem"),
        ("How do database indexes work?", "database-indexes"),  # plural
        ("Why would Postgres ignore my B-Tree index?", "database-indexes"),  # punctuation, case
        ("Find the longest palindromic substirng", "longest-palindrome"),  # one typo, long word
        ("Find the longest plaindromic substring", "longest-palindrome"),  # swapped letters
    ],
)
def test_matches_whole_words_and_phrases(kb: KnowledgeBase, question: str, topic: str) -> None:
    m = kb.match(question)
    assert m is not None and m.topic.id == topic, m


@pytest.mark.parametrize(
    "question",
    [
        "How would you plan capacity for a new region?",  # 'cap' inside 'capacity'
        "Design Google Drive.",
        "What would you do in your first 90 days?",
        "Explain the pcelc model",  # a typo in a short word is not forgiven
        "Find the indexes of two numbers that add up to a target.",  # 'index' alone is not a topic
    ],
)
def test_no_topic_rather_than_a_wrong_one(kb: KnowledgeBase, question: str) -> None:
    assert kb.match(question) is None


def test_the_most_specific_phrase_wins(kb: KnowledgeBase) -> None:
    # Both topics contain 'substring'; the longer phrase decides.
    m = kb.match("What is the longest substring without repeating characters, not a palindromic substring?")
    assert m is not None and m.topic.id == "longest-unique-substring"
    scores = kb.scores("longest palindromic substring or sliding window")
    assert [s.topic.id for s in scores] == ["longest-palindrome", "longest-unique-substring"]


def test_matching_stays_in_the_discipline(kb: KnowledgeBase) -> None:
    assert kb.match("Explain the CAP theorem.", AgentId.coding) is None
    assert kb.match("Explain the CAP theorem.", AgentId.technical) is not None


def test_normalisation() -> None:
    assert knowledge.normalise("Google’s  C++ & C# B-Tree!") == "google c++ c# b tree"
    assert knowledge.stem("queues") == "queue" and knowledge.stem("policies") == "policy"
    assert knowledge.stem("caches") == "cache" and knowledge.stem("class") == "class"
