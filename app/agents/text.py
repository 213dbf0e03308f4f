"""Small text helpers for questions: their subject and their key terms."""

from __future__ import annotations

import re

STOP = frozenset(
    """a an the and or but if of to in on at by for with about into from as is are was were be been being do does did
    you your yours we our i me my how what why when where which who whom would could should can will shall may might
    tell describe explain give example time times please walk through design build implement write function return
    given find make let us this that these those it its there their them they his her between difference like using
    use via per vs versus so such than then very more most much many any some all each every other whether not no""".split()
)

# Leading words that ask for something rather than name it, tried in order, repeatedly.
_LEADS = [
    r"(?:so|ok|okay|now|and|also|then),?\s+",
    r"(?:can|could|would|will) you(?: please)?\s+",
    r"(?:please|let's|let us)\s+",
    r"how (?:would|do|could|should|might|will) (?:you|we|i)\s+(?:go about\s+)?",
    r"(?:tell me about|talk me through|walk me through|tell me|talk about|share|give me|give|describe)\s+"
    r"(?:(?:a|an|one) (?:time|situation|moment|example|instance|project|occasion)\s+)?"
    r"(?:(?:when|where|in which|that|of when|of)\s+)?",
    r"(?:design|build|architect|implement|create|develop|sketch|model|write a (?:function|program|method)"
    r"(?: (?:to|that|which))?|write|code|solve|find|compute|count|detect|determine|check(?: whether| if)?|return"
    r"|explain|define|compare|improve|measure|prioriti[sz]e|decide|evaluate|choose|approach|handle|reverse)\s+",
    r"(?:what(?:'s| is| are)|what does|what do|how (?:does|do|is|are))\s+",
    r"how\s+(?!(?:would|do|could|should|many|much|long|often)\b)",
]
_TRAILS = [
    r"\s+(?:and|&) why (?:it|they|this|that) matters?$",
    r"\s+work(?:s)?$",
    r"\s+in (?:an|your|the) interview$",
    r"\s+(?:mean|means)$",
]

# "How would you <verb> …" / "Could you <verb> …": what follows is a verb phrase, not a thing.
_ASKS_TO = re.compile(
    r"^(?:(?:so|ok|okay|now|and|also|then),?\s+)*"
    r"(?:how (?:would|do|could|should|might|will) (?:you|we|i)|(?P<ask>(?:can|could|would|will) you))"
    r"(?:\s+please)?\s+(?P<task>.+)$",
    re.IGNORECASE,
)


def _first_sentence(question: str) -> str:
    text = " ".join(question.strip().split())
    return re.split(r"(?<=[.?!])\s+", text, maxsplit=1)[0].rstrip("?.!:; ")


def subject_of(question: str) -> str:
    """The question's subject in its own words: 'Design Google Drive.' → 'Google Drive',
    'How would you design Instagram?' → 'Instagram', 'What is the CAP theorem?' → 'the CAP theorem'."""
    text = _first_sentence(question)
    changed = True
    while changed:
        changed = False
        for pattern in _LEADS:
            new = re.sub("^" + pattern, "", text, flags=re.IGNORECASE)
            if new != text and new.strip():
                text, changed = new.strip(), True
    for pattern in _TRAILS:
        new = re.sub(pattern, "", text, flags=re.IGNORECASE).strip()
        if new:
            text = new
    return text or question.strip().rstrip("?.!")


def task_of(question: str) -> str | None:
    """What the question asks the candidate to do, as a verb phrase: 'How would you price a new
    SaaS product?' → 'price a new SaaS product'. None for questions about a thing ('What is …',
    'Design …'), and for 'Can you explain X?', whose subject (X) reads better on its own."""
    found = _ASKS_TO.match(_first_sentence(question))
    if found is None:
        return None
    task = found["task"]
    if found["ask"] and subject_of(question).lower() != task.lower():
        return None
    return task


def key_terms(question: str, limit: int = 4) -> list[str]:
    """Distinctive words of the question, in order, for searching the candidate's bank."""
    words = re.findall(r"[A-Za-z][A-Za-z0-9+#.\-]*", question)
    seen: dict[str, str] = {}
    for w in words:
        lw = w.lower().strip(".-")
        if lw in STOP or len(lw) < 3:
            continue
        seen.setdefault(lw, w.strip(".-"))
    return list(seen.values())[:limit]
