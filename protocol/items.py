"""Item identity: what a posting's item *is*, so the matcher pairs the same thing, not the same word.

An item is a head noun with its modifiers: "rice cooker" is a cooker, "egg cartons" are
cartons, "silla de ruedas" is a wheelchair, "leche para bebé" is (baby) milk. English puts
the head last, Spanish first; a phrase the tables know ("place to stay", "pasta de
dientes") counts as one word; an activity ("moving", "repair", "tutoring") is the head
wherever it stands and the thing it acts on is its object. Modifiers that say which one
(size 3, Monday, to the market) block a match when both postings state them and they
differ. A word one or two letters off a known word (`insuln`, `blankts`) is read as that
word, never when it is itself a known word (`campera` is a coat, not a camper).

Pure functions over text and the tables of `protocol.item_vocab`: no I/O, no clock.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache

from rapidfuzz.distance import OSA

from ._item_modifiers import ages, days_of, take_sizes
from .item_vocab import LANGUAGES, Vocabulary, edits_allowed, near_words, stem, words_of
from .vocab import WEEKDAYS

__all__ = ["Fit", "Identity", "Vocabulary", "category_of_item", "fit", "fit_items", "identify"]

SCORES = {"same item": 1.0, "synonym": 0.9, "translation": 0.9, "typo": 0.7, "category": 0.3}
"""How sure a match is, by why it was made; a category-only match is never sent unasked."""
_CUT = {"en": frozenset("for to from of with in at on near by into needs missing works except if when "
                       "because pick till until".split()),
        "es": frozenset("para por a al hacia con en desde cerca necesita funciona le falta si cuando "
                        "porque hasta".split())}
"""Words after which the rest says who it is for, where it goes or what state it is in
("mower, needs a battery" is a mower), not what it is."""
_AND = frozenset("and or y o plus".split())
"""Between two things named in one item."""
_PURPOSE_CUTS = frozenset("for to into para a al hacia".split())


@dataclass(frozen=True, slots=True)
class Identity:
    """What an item is. `concept` None: it names only its `category` ("food", "ropa")."""

    concept: str | None
    word: str
    """The head as written (stemmed): the same word on both sides is the same item."""
    lang: str
    """The language of the head word (`en`, `es`; empty when it is in both or in neither)."""
    typo: bool
    category: str | None
    sizes: frozenset[str] = frozenset()
    days: frozenset[str] = frozenset()
    purposes: frozenset[str] = frozenset()
    objects: frozenset[str] = frozenset()
    others: frozenset[str] = frozenset()
    """The other things an item names (`notebooks and pencils`): each fits too."""
    audience: frozenset[str] = frozenset()
    """Who it is for, where it says (`baby`, `child`, `women`, `men`, `pet`)."""
    kinds: frozenset[str] = frozenset()
    """The nouns that say which kind of the head it is (`bed` frame, `tire` pump, calentador
    de `agua`): a known concept, or `~lang:word` for a word the tables do not know."""
    base: str | None = None
    """For a known phrase, what its own head word alone is (`peanut butter` is butter with
    peanut): the head word with the same kinds is that thing said another way."""
    made_of: frozenset[str] = frozenset()
    """Kinds that are things of the head's own category (`coffee` beans, `hot dog` buns):
    another thing than the head alone. Empty for `flavoured` heads (apple juice is juice)."""

    @property
    def generic(self) -> bool:
        return self.concept is None


@dataclass(frozen=True, slots=True)
class Fit:
    """Why two items are taken for the same thing, and how sure that is (0..1)."""

    score: float
    reason: str


@dataclass(slots=True)
class _Unit:
    """One word or known phrase of an item."""

    words: tuple[str, ...]
    concept: str | None = None
    generic: str | None = None
    lang: str = ""
    typo: bool = False
    role: str = "noun"  # noun, activity, generic, modifier, stop, cut, number


def _lang_of(stems: list[str], vocab: Vocabulary, default: str) -> str:
    score = dict.fromkeys(LANGUAGES, 0)
    for s in stems:
        for lang in vocab.word_langs.get(s, ()):
            score[lang] += 1
    best = max(score.values())
    winners = [lang for lang, n in score.items() if n == best]
    return default if len(winners) > 1 or not best else winners[0]


def _units(words: list[str], stems: list[str], vocab: Vocabulary, lang: str) -> list[_Unit]:
    """Known phrases as single units (longest first), each word or phrase with its role. A
    phrase with a slip in one of its words is still that phrase (`iphone case`, `sleping bag`)."""
    fixed = _fixed(words, stems, vocab)
    units: list[_Unit] = []
    i = 0
    while i < len(stems):
        found = _phrase(words, stems, i, vocab, lang)
        if found is None and fixed != stems:
            found = _phrase(words, fixed, i, vocab, lang)
            if found is not None and found.words != tuple(stems[i:i + len(found.words)]):
                found.typo = True
        if found is None or (len(found.words) == 1 and found.typo):
            found = _plain(words[i], stems[i], vocab, lang)
        units.append(found)
        i += len(found.words)
    return units


def _containers(units: list[_Unit], vocab: Vocabulary, lang: str) -> list[_Unit]:
    """`laptop bag`, `pencil case`: a container named after a durable thing is the thing
    given, and the durable thing says which kind; after a thing used up (`tea bags`) it
    stays a count. English names the container last."""
    if vocab.head_first.get(lang):
        return units
    out = list(units)
    for n in range(1, len(units)):
        unit, before = units[n], units[n - 1]
        last = n + 1 == len(units) or units[n + 1].role in ("cut", "and", "number")
        if (unit.role == "modifier" and unit.words[0] in vocab.containers and last and before.role == "noun"
                and before.concept and not {before.concept, vocab.category.get(before.concept)} & vocab.consumed):
            concept = next((c for x in ("", *LANGUAGES) if (c := vocab.phrases[x].get(unit.words))), None)
            out[n] = _Unit(unit.words, concept=concept, lang="en")
    return out


def _fixed(words: list[str], stems: list[str], vocab: Vocabulary) -> list[str]:
    """Each word, or the one known word it is a slip of."""
    out = list(stems)
    for n, (word, s) in enumerate(zip(words, stems)):
        if s not in vocab.known and word.isalpha() and len(near := near_words(vocab, s)) == 1:
            out[n] = next(iter(near))
    return out


def _phrase(words: list[str], stems: list[str], i: int, vocab: Vocabulary, lang: str) -> _Unit | None:
    """The longest known word or phrase starting at `i`, or None."""
    entries = vocab.entries[lang if lang in vocab.entries else LANGUAGES[0]]
    cuts = _CUT[lang]
    for size in range(min(vocab.starts.get(stems[i], 1), len(stems) - i), 0, -1):
        key = tuple(stems[i:i + size])
        if size > 1 and (words[i] in cuts or (size == 2 and words[i + 1] in cuts)):  # "couch to sleep on" is one
            continue
        found = entries.get(key)
        if found:
            kind, value, where = found
            if kind == "generic":
                return _Unit(key, generic=value, lang=where, role="generic")
            return _Unit(key, concept=value, lang=where, role="activity" if value in vocab.activities else "noun")
    return None


def _plain(word: str, s: str, vocab: Vocabulary, lang: str) -> _Unit:
    if word in _AND:
        return _Unit((s,), role="and")
    if word in _CUT[lang] or (word in _CUT["en"] and lang != "en" and word not in vocab.stop["es"]):
        return _Unit((s,), role="cut")
    if word.isdigit() or not word.isalpha():
        return _Unit((s,), role="number")
    if s in vocab.stop_any:
        return _Unit((s,), role="stop")
    if s in vocab.modifier_any or s in vocab.audiences or (lang == "en" and len(s) > 4 and s.endswith("ed")):
        return _Unit((s,), role="modifier")  # `unopened`, `boxed`: what state, not what thing
    for base in _undiminished(s) if lang == "es" or s.endswith(("ito", "ita")) else ():
        found = next((c for x in ("", *LANGUAGES) if (c := vocab.phrases[x].get((base,)))), None)
        if found:  # `frijolitos`, `cobijitas`, `pancito`: the thing itself
            return _Unit((s,), concept=found, lang="es", role="activity" if found in vocab.activities else "noun")
    near = near_words(vocab, s)
    concepts = {c for w in near for x in ("", *LANGUAGES) if (c := vocab.phrases[x].get((w,)))}
    if len(concepts) == 1:  # one typo from exactly one known thing
        concept = concepts.pop()
        role = "activity" if concept in vocab.activities else "noun"
        langs = {x for w in near for x in LANGUAGES if (w,) in vocab.phrases[x]}
        return _Unit((s,), concept=concept, lang=langs.pop() if len(langs) == 1 else "", typo=True, role=role)
    return _Unit((s,))


def _undiminished(s: str) -> list[str]:
    """Stems a Spanish diminutive may come from: `frijolito` -> frijol, `cobijita` -> cobija,
    `pancito` -> pan."""
    for ending in ("cito", "cita", "ito", "ita"):
        if s.endswith(ending) and len(s) > len(ending) + 2:
            root = s[:-len(ending)]
            return [stem(root), stem(root + "o"), stem(root + "a")]
    return []


def _purposes(units: list[_Unit], vocab: Vocabulary) -> frozenset[str]:
    found: set[str] = set()
    for unit in units:
        for lang in ("", *LANGUAGES):
            kind = vocab.purposes[lang].get(unit.words) or vocab.purposes[lang].get(unit.words[-1:])
            if kind:
                found.add(kind)
                break
        else:
            if unit.concept and vocab.category.get(unit.concept) == "medical":
                found.add("medical")
    return frozenset(found)


def identify(item: str, vocab: Vocabulary, when: str | None = None, lang: str = "en") -> Identity:
    """What `item` is; `when` is the posting's time window, `lang` the language to assume."""
    return _identify(item, vocab, when, lang)


@lru_cache(maxsize=65536)
def _identify(item: str, vocab: Vocabulary, when: str | None, default_lang: str) -> Identity:
    words, sizes = take_sizes(words_of(item))
    days = days_of(when, words)
    words = [w for w in words if not (w in WEEKDAYS and len(w) > 3)]
    stems = [stem(w) for w in words]
    lang = _lang_of(stems, vocab, default_lang)
    units = _containers(_units(words, stems, vocab, lang), vocab, lang)
    main: list[_Unit] = []
    tail: list[_Unit] = []
    purpose_tail = False
    for n, unit in enumerate(units):
        if unit.role == "cut" and any(u.role in ("noun", "activity") for u in main):
            tail = units[n + 1:]
            purpose_tail = unit.words[0] in _PURPOSE_CUTS
            if unit.words[0] == "of" and (contents := _contents(main, tail)):
                main, tail = contents
            break
        if unit.role != "cut":
            main.append(unit)
    purposes = _purposes(tail, vocab) if purpose_tail else frozenset()
    audience = frozenset(who for u in units for w in u.words if (who := vocab.audiences.get(w))) | ages(words)
    if main and main[-1].role == "generic" and main[-1].generic != "labor" and not vocab.head_first.get(lang) \
            and all(u.role in ("noun", "modifier", "stop", "generic") for u in main):
        # `school clothes`, `kitchen stuff`: the class named last is what it is
        return Identity(None, "", "", False, main[-1].generic, sizes, days, purposes, audience=audience)
    heads = [(h, group) for group in _groups(main) if (h := _head(group, tail, vocab, lang))[0] is not None]
    if not heads:
        generic = next((u.generic for u in main if u.role == "generic"), None)
        if generic is not None or not main:
            return Identity(None, "", "", False, generic, sizes, days, purposes, audience=audience)
        rest = [u for u in main if u.role == "modifier"] or main  # only modifiers ("canned"): all there is
        word = " ".join(rest[-1].words)
        return Identity("~" + word, word, "", False, None, sizes, days, purposes, audience=audience)
    ((head, objects), _), *rest = heads
    assert head is not None
    concept = _concept(head)
    others = frozenset(_concept(h) for (h, _), _ in rest if h) - {concept}
    if head.role == "activity" and others:  # `bike repair, flats and brakes`: what it repairs
        objects, others = (objects | others if head.concept in vocab.specific else objects), frozenset()
    kinds = frozenset().union(*(_kinds(h, group, concept, vocab, lang) for (h, _), group in heads
                                if h is not None and _concept(h) == concept))
    return Identity(concept, " ".join(head.words), head.lang, head.typo, vocab.category.get(concept),
                    sizes, days, purposes, objects, others, audience, kinds, _base(head, vocab, lang),
                    _made_of(head, heads[0][1], concept, vocab))


def _made_of(head: _Unit, group: list[_Unit], concept: str, vocab: Vocabulary) -> frozenset[str]:
    """Things of the head's own category named beside it, as written (`coffee` beans): not
    the words inside a known phrase, which already says what it is (`tanque de gas`)."""
    category = vocab.category.get(concept)
    if concept in vocab.flavoured or category is None or head.role == "activity":
        return frozenset()
    return frozenset(u.concept for u in group if u is not head and u.role == "noun" and u.concept
                     and not u.typo and u.concept != concept and vocab.category.get(u.concept) == category)


def _contents(main: list[_Unit], tail: list[_Unit]) -> tuple[list[_Unit], list[_Unit]] | None:
    """`a cord of firewood`, `a can of paint`: one known thing as the measure of another
    known thing; the thing after `of` is what is given."""
    nouns = [u for u in main if u.role in ("noun", "activity")]
    if len(nouns) != 1 or nouns[0].concept is None or nouns[0].role == "activity":
        return None
    end = next((i for i, u in enumerate(tail) if u.role in ("cut", "and")), len(tail))
    if not any(u.role == "noun" and u.concept and not u.typo for u in tail[:end]):
        return None
    return tail[:end], tail[end + 1:]


def _base(head: _Unit, vocab: Vocabulary, lang: str) -> str | None:
    """What a known phrase of nouns names by its own head word alone (`peanut butter` -> butter),
    when that is a thing of the same category. Not for activities, nor phrases that say who
    or what for (`leche para bebé` is formula, not milk)."""
    if len(head.words) < 2 or head.concept is None or head.concept in vocab.activities:
        return None
    if any(w in vocab.audiences or w in vocab.stop_any or w in _CUT["en"] or w in _CUT["es"] for w in head.words):
        return None
    own = head.words[0] if vocab.head_first.get(head.lang or lang) else head.words[-1]
    base = next((c for x in ("", *LANGUAGES) if (c := vocab.phrases[x].get((own,)))), None)
    if base is None or base in vocab.activities or vocab.category.get(base) != vocab.category.get(head.concept):
        return None
    return base


def _kinds(head: _Unit, group: list[_Unit], concept: str, vocab: Vocabulary, lang: str) -> frozenset[str]:
    """The nouns beside the head that say which kind of it this is: `bed frame`, `tire pump`,
    `calentador de agua`, and inside a known phrase the words that are things of their own
    (`rice cooker`, `water filter`). An activity's words are its objects, not kinds."""
    if head.role == "activity":
        return frozenset()
    found: set[str] = set()
    for unit in group:
        if unit is head or unit.role != "noun":
            continue
        found.add(unit.concept if unit.concept else f"~{lang}:{' '.join(unit.words)}")
    if len(head.words) > 1:  # the phrase's own head word says nothing more (`olla` de presión is a cooker)
        own = head.words[0] if vocab.head_first.get(head.lang or lang) else head.words[-1]
        for word in head.words:
            if word == own:
                continue
            inner = next((c for x in ("", *LANGUAGES) if (c := vocab.phrases[x].get((word,)))), None)
            if inner is not None and inner not in vocab.activities:
                found.add(inner)
    found.discard(concept)
    return frozenset(found)


def _concept(unit: _Unit) -> str:
    return unit.concept or "~" + " ".join(unit.words)


def _groups(units: list[_Unit]) -> list[list[_Unit]]:
    """`notebooks and pencils`, `escoba y trapeador`: each thing named, in order."""
    groups: list[list[_Unit]] = [[]]
    for unit in units:
        if unit.role == "and":
            groups.append([])
        else:
            groups[-1].append(unit)
    return [g for g in groups if g]


def _head(units: list[_Unit], tail: list[_Unit], vocab: Vocabulary,
          lang: str) -> tuple[_Unit | None, frozenset[str]]:
    """The head of one thing named, and the objects of an activity (when they matter)."""
    nouns = [u for u in units if u.role == "noun"]
    activities = [u for u in units if u.role == "activity"]
    if not activities and not [u for u in nouns if not u.typo]:  # "hands for unloading"
        activities = [u for u in tail if u.role == "activity"]
    if activities:
        head = activities[0]
        objects: frozenset[str] = frozenset()
        if head.concept in vocab.specific:
            around = [u for u in (*units, *tail) if u.role in ("noun", "activity") and u.concept != head.concept]
            objects = frozenset(_concept(u) for u in around)
        return head, objects
    pool = [u for u in nouns if not u.typo] or nouns  # a word as written beats a guessed one
    if not pool:
        return None, frozenset()
    return (pool[0] if vocab.head_first.get(lang) else pool[-1]), frozenset()


def category_of_item(item: str, vocab: Vocabulary, lang: str = "en") -> str | None:
    """The category of what `item` is (its head's), or None when the tables do not know it."""
    return identify(item, vocab, None, lang).category


def _contradict(a: frozenset[str], b: frozenset[str]) -> bool:
    return bool(a) and bool(b) and a.isdisjoint(b)


def _other_kind(one: Identity, other: Identity) -> bool:
    """Both say which kind, and the kinds differ: `tire pump` is not a `breast pump`, a `car
    battery charger` not an `iphone charger`. A word the tables do not know is compared only
    with words of its own language (`rain boots` may be `botas de lluvia`)."""
    a, b = one.kinds, other.kinds
    if not a or not b or not a.isdisjoint(b):
        return False
    known_a, known_b = {k for k in a if k[0] != "~"}, {k for k in b if k[0] != "~"}
    if known_a and known_b:
        return True
    langs_a = {k[1:].split(":", 1)[0] for k in a - known_a} or {one.lang or "en"}
    langs_b = {k[1:].split(":", 1)[0] for k in b - known_b} or {other.lang or "en"}
    return bool(langs_a & langs_b)


def _known(kinds: frozenset[str]) -> frozenset[str]:
    return frozenset(k for k in kinds if k[0] != "~")


def _same_base(offer: Identity, need: Identity) -> bool:
    """`mantequilla de cacahuate` and `peanut butter`: a phrase the tables list as a thing of
    its own, and its head word with the same known kinds, are one thing. Without kinds the
    phrase stays apart (a `pressure washer` is not a `washer`)."""
    a, b = offer.base or offer.concept, need.base or need.concept
    kinds = _known(offer.kinds)
    return (offer.base is not None or need.base is not None) and a == b and bool(kinds) and kinds == _known(need.kinds)


def _unknown_typo(offer: Identity, need: Identity) -> bool:
    """Two heads the tables do not know, one a slip of the other (`dreser`, `dresser`): the same
    thing, within the edits the word's length allows, first letter kept, the rest agreeing."""
    a, b = offer.word, need.word
    if not (offer.concept or "").startswith("~") or not (need.concept or "").startswith("~"):
        return False
    if " " in a or " " in b or not a or a[0] != b[0] or not a.isalpha() or not b.isalpha():
        return False
    if _other_kind(offer, need) or _contradict(offer.objects, need.objects):
        return False
    return OSA.distance(a, b) <= edits_allowed(min(a, b, key=len))


def fit(offer: Identity, need: Identity) -> Fit | None:
    """Is `offer` the thing `need` asks for? How sure, and why; None when it is not.

    The same head (word, synonym, translation, or a typo of one), with no modifier that
    says otherwise; or one of them names only the category, which is a guess for the
    committee. Sizes, days, the kind of trip and an activity's object must agree where
    both postings state them.
    """
    if (_contradict(offer.sizes, need.sizes) or _contradict(offer.days, need.days)
            or _contradict(offer.purposes, need.purposes) or _contradict(offer.audience, need.audience)):
        return None
    if offer.generic or need.generic:
        if any(side.generic and side.audience and not side.audience & other.audience
               for side, other in ((offer, need), (need, offer))):
            return None  # "ropa de bebé" is not any clothes: only what says it is for a baby
        category = offer.category or need.category
        if offer.category and need.category and offer.category != need.category:
            return None
        return Fit(SCORES["category"], "category") if category or offer.concept else None
    if offer.concept != need.concept and not _same_base(offer, need):
        shared = ({offer.concept} | offer.others) & ({need.concept} | need.others)
        if not shared:
            return Fit(SCORES["typo"], "typo") if _unknown_typo(offer, need) else None
        return Fit(SCORES["same item"], "same item")  # one of the things either names
    if _contradict(offer.objects, need.objects) or _other_kind(offer, need):
        return None
    if (offer.made_of and not _known(need.kinds)) or (need.made_of and not _known(offer.kinds)):
        return None  # `coffee beans` for `beans`, `hot dog buns` for `bread`
    if offer.typo or need.typo:
        reason = "typo"
    elif offer.word == need.word:
        reason = "same item"
    elif offer.lang and need.lang and offer.lang != need.lang:
        reason = "translation"
    else:
        reason = "synonym"
    return Fit(SCORES[reason], reason)


def fit_items(offer_item: str, need_item: str, vocab: Vocabulary | None = None,
              offer_when: str | None = None, need_when: str | None = None) -> Fit | None:
    """`fit` for two items as written: `fit_items("arroz 1kg", "leche para bebé")` is None."""
    vocab = vocab or Vocabulary.load()
    return fit(identify(offer_item, vocab, offer_when), identify(need_item, vocab, need_when))
