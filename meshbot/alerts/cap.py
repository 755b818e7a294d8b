"""What an alert's words say, in the terms of CAP 1.2 (the Common Alerting Protocol).

A resident types `SOS fire near the school` or `ALERTA familia desalojada`; the committee
and the status board want a category, an urgency and a severity, and a drill must never
be mistaken for the real thing. Pure functions over the text: no clock, no database.
"""

from __future__ import annotations

import unicodedata
from dataclasses import dataclass

CATEGORIES: tuple[str, ...] = (
    "fire", "flood", "medical", "security", "evicted", "new_family", "utility", "other",
)
"""In order of precedence: when words of two categories appear, the earlier one wins."""

_WORDS: dict[str, str] = {
    "fire": "fire fires smoke burning flames wildfire incendio incendios fuego humo quema quemando llamas",
    "flood": "flood floods flooding flooded inundacion inundado inundada inundaciones crecida riada",
    "medical": "medical sick ill injured injury hurt bleeding unconscious ambulance insulin heart "
               "stroke seizure overdose fever doctor breathing enfermo enferma herido herida heridos "
               "sangre sangrando inconsciente ambulancia infarto medico fiebre respira convulsion",
    "security": "raid raids police ice arrest arrested arresting shooting shots gun guns attack "
                "attacked assault violence robbery threat threats redada policia migra arresto "
                "arrestos detenido detenidos disparo disparos balacera arma asalto robo amenaza",
    "evicted": "evicted eviction evicting evict lockout desalojo desalojada desalojado desalojados "
               "desalojan desahucio desahuciada desahuciado lanzamiento",
    "new_family": "newcomers newcomer refugee refugees arrived arriving recien llegados llegaron "
                  "refugiados refugiada",
    "utility": "outage blackout electricity power gas leak sewage water-cut apagon luz corte fuga "
               "electricidad",
}
_PHRASES: dict[str, str] = {
    "new family": "new_family", "new families": "new_family", "nueva familia": "new_family",
    "nuevas familias": "new_family", "familia nueva": "new_family", "no water": "utility",
    "sin agua": "utility", "sin luz": "utility", "no power": "utility",
}
_KEYWORDS: dict[str, str] = {w: cat for cat, words in _WORDS.items() for w in words.split()}
_EXTREME = frozenset(
    "trapped atrapado atrapada atrapados explosion explosión unconscious inconsciente shooting "
    "disparos balacera dying muriendo collapsed derrumbe children niños kids".split()
)
_STATUS_WORDS = {"test": "test", "prueba": "test", "drill": "exercise", "exercise": "exercise",
                 "simulacro": "exercise", "ejercicio": "exercise"}

# CAP urgency (immediate/expected/future/past/unknown) and severity (extreme/severe/
# moderate/minor/unknown) a category starts from.
_DEFAULTS: dict[str, tuple[str, str]] = {
    "fire": ("immediate", "severe"), "flood": ("immediate", "severe"),
    "medical": ("immediate", "severe"), "security": ("immediate", "severe"),
    "evicted": ("immediate", "severe"), "new_family": ("expected", "moderate"),
    "utility": ("expected", "moderate"), "other": ("unknown", "unknown"),
}


@dataclass(frozen=True)
class CapFields:
    """What the words of an alert say about it."""

    status: str
    """actual, exercise (a drill) or test."""
    category: str
    urgency: str
    severity: str
    text: str
    """The text without a leading `TEST`/`DRILL` word."""


def _fold(word: str) -> str:
    decomposed = unicodedata.normalize("NFKD", word.casefold())
    return "".join(c for c in decomposed if not unicodedata.combining(c)).strip(".,;:!?¡¿()\"'")


def category_of(text: str) -> str:
    """The category most words point to; ties go to the more dangerous (earlier) one."""
    words = [_fold(w) for w in text.split()]
    votes: dict[str, int] = {}
    for w in words:
        if w in _KEYWORDS:
            votes[_KEYWORDS[w]] = votes.get(_KEYWORDS[w], 0) + 1
    for a, b in zip(words, words[1:]):
        cat = _PHRASES.get(f"{a} {b}")
        if cat:
            votes[cat] = votes.get(cat, 0) + 2
    if not votes:
        return "other"
    return max(votes, key=lambda c: (votes[c], -CATEGORIES.index(c)))


def read(text: str) -> CapFields:
    """Status, category, urgency and severity of an alert from its words.

    `TEST ...`/`PRUEBA ...` is a test and `DRILL ...`/`SIMULACRO ...` an exercise: the word
    is taken off the text and the broadcast says it first. `!!` or a word such as
    `trapped` or `kids` makes a severe alert extreme.
    """
    words = text.split()
    status = "actual"
    if words and _fold(words[0]) in _STATUS_WORDS and len(words) > 1:
        status = _STATUS_WORDS[_fold(words[0])]
        words = words[1:]
    clean = " ".join(words)
    category = category_of(clean)
    urgency, severity = _DEFAULTS[category]
    folded = {_fold(w) for w in words}
    if severity == "severe" and ("!!" in clean or folded & _EXTREME):
        severity = "extreme"
    if category == "utility" and "gas" in folded:
        urgency, severity = "immediate", "severe"
    return CapFields(status, category, urgency, severity, clean or text)
