"""The words of the command language, in English and Spanish: verbs, fillers, urgency
markers, danger words and the language of a message; with the tables of amounts and times
(`_measures.py`) and of categories (`_categories.py`), re-exported here.

Every table is keyed by *folded* text (lowercase, accents removed, see `fold`), so
`Ayúda`, `AYUDA` and `ayuda` are one word. Tables only (and the small lookups over
them); the parser reads them and SPEC.md documents them, table by table.
"""

from __future__ import annotations

from ._categories import (
    CATEGORY_KEYWORDS, FUZZY_MIN_LEN, STRONG_KEYWORDS, WEAK_KEYWORDS, category_of,
    CATEGORY_LANGUAGE_WORDS,
)
from ._measures import (
    CLOCK_SUFFIXES, CURRENCY_SIGNS, DAY_PHRASES, DAY_WORDS, DOZEN_WORDS, DURATION_PREPS,
    DURATION_UNITS, FRACTIONS, LABEL_WORDS, MONTHS, NUMBER_WORDS, PAIRED, PART_WORDS,
    SPANISH_NUMBER_WORDS, SPEC_UNITS, SYMBOL_UNITS, TENS, UNITS, UNTIL_PHRASES, UNTIL_WORDS,
    WEEKDAYS, WEEKDAYS_IN_CONTEXT,
)
from ._text import fold, osa_distance

__all__ = [
    "ALIASES_BY_VERB", "ALIAS_LANG", "BANG_CHARS", "CALM_PHRASES", "CATEGORY_KEYWORDS",
    "CHAIN_MODALS", "CHAIN_WORDS", "CLOCK_SUFFIXES", "CURRENCY_SIGNS", "DANGER_WORDS",
    "DAY_PHRASES", "DAY_WORDS", "DOZEN_WORDS", "DURATION_PREPS", "DURATION_UNITS",
    "ENGLISH_WORDS", "FRACTIONS", "FUZZY_MIN_LEN", "LABEL_WORDS", "LEAD_FILLERS",
    "MAX_LEAD_FILLERS", "MAX_PHRASE_WORDS", "MODE_ALIASES", "MODE_WORDS", "MONTHS",
    "NOT_TYPOS", "NUMBER_WORDS", "PAIRED", "PART_WORDS", "SHORT_FORMS",
    "SPANISH_NUMBER_WORDS", "SPANISH_WORDS", "SPEC_UNITS", "STRONG_KEYWORDS",
    "SYMBOL_UNITS", "TENS", "TYPO_MIN_LEN", "TYPO_TARGETS", "UNITS", "UNTIL_PHRASES",
    "UNTIL_WORDS", "URGENCY_PHRASES", "URGENCY_RANK", "URGENCY_WORDS", "URGENT_ALIASES",
    "VERB_ALIASES", "VERB_NAMES", "VERB_PHRASES", "WEAK_KEYWORDS", "WEEKDAYS",
    "WEEKDAYS_IN_CONTEXT", "category_of", "fold", "language_of", "osa_distance",
]

# --- verbs -------------------------------------------------------------------------
# Per verb: English words, Spanish words, and words of no language ("*": `o`, `n`, `sos`).

_VERB_WORDS: dict[str, dict[str, str]] = {
    "offer": {
        "en": "offer offers offering have give giving giveaway donate donating lend lending "
              "share sharing provide providing spare extra free available leftover leftovers got "
              "volunteering",
        "es": "ofrezco ofrecer oferta ofrecemos ofrece tengo tenemos doy damos regalo "
              "regalamos dono donamos presto prestamos comparto compartimos sobra sobran",
        "*": "o",
    },
    # `busco` ("I am looking for") posts a NEED; the infinitive `buscar` searches (FIND).
    # `want`/`quiero` mirror need; TAKE a posting with `tomo`. `urge` is a critical NEED.
    "need": {
        "en": "need needs needed needing want wanted require required requesting request "
              "seeking iso",
        "es": "necesito necesitamos necesita necesitan busco buscamos quiero queremos ocupo "
              "ocupamos requiero pido pedimos solicito falta faltan urge urgen sin",
        "*": "n",
    },
    "alert": {
        "en": "alert emergency warning danger alarm",
        "es": "emergencia alerta peligro alarma",
        "*": "sos",
    },
    "list": {"en": "list show board browse view", "es": "lista listar ver mostrar muestra tablero",
             "*": "ls"},
    "find": {"en": "find search lookup", "es": "buscar busca encontrar"},
    "my": {"en": "my mine", "es": "mis mio mios"},
    "take": {"en": "take claim reserve accept", "es": "tomo tomar reservo reservar aparto acepto"},
    "done": {"en": "done finished complete completed closed delivered received fulfilled resolved",
             "es": "hecho listo terminado completado cerrado entregado recibido resuelto"},
    "cancel": {"en": "cancel delete remove withdraw",
               "es": "cancelar cancela borrar borra eliminar elimina quitar quita retirar anular"},
    "safe": {"en": "safe", "es": "bien"},
    "join": {"en": "join register signup",
             "es": "unirse unirme registrar registrarme registro inscribirme"},
    "help": {"en": "help commands how", "es": "ayuda ayudame auxilio socorro comandos como instrucciones",
             "*": "h ? menu info"},
    "more": {"en": "more next continue", "es": "mas siguiente sigue sig"},
    "digest": {"en": "digest summary", "es": "resumen"},
    # Alerts: UPDATE a3 ..., OK a3, HELPING a3. A bare `ok` is chatter (see parse).
    "update": {"en": "update", "es": "actualizar actualiza actualizo"},
    "ok": {"en": "ack", "es": "enterado enterada", "*": "ok"},
    "helping": {"en": "helping", "es": "ayudando"},
    # EMERGENCY ON/OFF has no word of its own: `emergency`/`emergencia` followed by
    # nothing but one of MODE_WORDS (see parse); with other words it is an ALERT.
    "emergency": {},
    # The committee's membership desk: MEMBERS, MEMBERS approve !a1b2c3d4, ...
    "members": {"en": "members", "es": "miembros socios"},
    # A note to the other side of a match, relayed by the bot: MSG m3 ..., NOTA m3 ...
    "msg": {"en": "msg", "es": "nota"},
}

# Several-word aliases: folded words, one space -> (verb, language).
_VERB_PHRASES: dict[str, tuple[str, str]] = {
    # SAFE
    "a salvo": ("safe", "es"), "estoy bien": ("safe", "es"), "estamos bien": ("safe", "es"),
    "todo bien": ("safe", "es"), "todos bien": ("safe", "es"), "estoy a salvo": ("safe", "es"),
    "estamos a salvo": ("safe", "es"), "sanos y salvos": ("safe", "es"),
    "im ok": ("safe", "en"), "i'm ok": ("safe", "en"), "i am ok": ("safe", "en"),
    "we are ok": ("safe", "en"), "we're ok": ("safe", "en"), "im okay": ("safe", "en"),
    "i'm okay": ("safe", "en"), "all good": ("safe", "en"), "all safe": ("safe", "en"),
    "all ok": ("safe", "en"),
    # NEED
    "looking for": ("need", "en"), "in need of": ("need", "en"), "does anyone have": ("need", "en"),
    "anyone have": ("need", "en"), "anybody have": ("need", "en"), "anyone got": ("need", "en"),
    "does anybody have": ("need", "en"), "who has": ("need", "en"), "can someone": ("need", "en"),
    "can anyone": ("need", "en"), "could someone": ("need", "en"), "could anyone": ("need", "en"),
    "we're out of": ("need", "en"), "out of": ("need", "en"), "running out of": ("need", "en"),
    "low on": ("need", "en"), "could use": ("need", "en"), "anybody got": ("need", "en"),
    "me hace falta": ("need", "es"), "nos hace falta": ("need", "es"), "hace falta": ("need", "es"),
    "me falta": ("need", "es"), "nos falta": ("need", "es"), "me faltan": ("need", "es"),
    "nos faltan": ("need", "es"), "me hacen falta": ("need", "es"), "nos hacen falta": ("need", "es"), "se necesita": ("need", "es"), "se necesitan": ("need", "es"),
    "se busca": ("need", "es"), "se buscan": ("need", "es"), "alguien tiene": ("need", "es"),
    "alguien puede": ("need", "es"), "estoy buscando": ("need", "es"),
    "estamos buscando": ("need", "es"), "ando buscando": ("need", "es"),
    "nos quedamos sin": ("need", "es"), "me quede sin": ("need", "es"),
    # OFFER
    "giving away": ("offer", "en"), "give away": ("offer", "en"), "can offer": ("offer", "en"),
    "have extra": ("offer", "en"), "have spare": ("offer", "en"), "up for grabs": ("offer", "en"),
    "me sobra": ("offer", "es"), "me sobran": ("offer", "es"), "nos sobra": ("offer", "es"),
    "nos sobran": ("offer", "es"), "se regala": ("offer", "es"), "se regalan": ("offer", "es"),
    "se ofrece": ("offer", "es"), "se ofrecen": ("offer", "es"), "puedo dar": ("offer", "es"),
    "puedo ofrecer": ("offer", "es"), "podemos ofrecer": ("offer", "es"),
    # LIST, FIND, MY, TAKE, JOIN
    "what's available": ("list", "en"), "whats available": ("list", "en"),
    "what is available": ("list", "en"), "que hay": ("list", "es"),
    "look for": ("find", "en"), "search for": ("find", "en"),
    "my posts": ("my", "en"), "mis publicaciones": ("my", "es"), "mis posts": ("my", "es"),
    "i'll take": ("take", "en"), "ill take": ("take", "en"), "me llevo": ("take", "es"),
    "lo tomo": ("take", "es"), "sign up": ("join", "en"),
}

VERB_ALIASES: dict[str, str] = {
    alias: verb for verb, langs in _VERB_WORDS.items() for words in langs.values()
    for alias in words.split()
}
"""Folded alias -> canonical verb. One-word aliases only; see `VERB_PHRASES`."""

ALIAS_LANG: dict[str, str] = {
    alias: lang for langs in _VERB_WORDS.values() for lang, words in langs.items()
    for alias in words.split()
} | {phrase: lang for phrase, (_, lang) in _VERB_PHRASES.items()}
"""Folded alias or phrase -> `en`, `es` or `*` (no language: decided by the other words)."""

VERB_PHRASES: dict[str, str] = {phrase: verb for phrase, (verb, _) in _VERB_PHRASES.items()}
"""Several-word aliases (`a salvo`, `looking for`), folded, one space."""

MAX_PHRASE_WORDS = max(len(p.split()) for p in VERB_PHRASES)

ALIASES_BY_VERB: dict[str, tuple[str, ...]] = {
    verb: tuple(w for words in langs.values() for w in words.split())
    + tuple(p for p, v in VERB_PHRASES.items() if v == verb)
    for verb, langs in _VERB_WORDS.items()
}
"""Canonical verb -> its aliases, canonical first: for help text and the command card."""

VERB_NAMES: dict[str, dict[str, str]] = {
    "en": {verb: verb.upper() for verb in _VERB_WORDS},
    "es": {"offer": "OFREZCO", "need": "NECESITO", "alert": "ALERTA", "list": "LISTA",
           "find": "BUSCAR", "my": "MIS", "take": "TOMO", "done": "HECHO", "cancel": "CANCELAR",
           "safe": "BIEN", "join": "UNIRSE", "help": "AYUDA", "more": "MAS", "digest": "RESUMEN",
           "update": "ACTUALIZAR", "ok": "OK", "helping": "AYUDANDO", "emergency": "EMERGENCIA",
           "members": "MIEMBROS", "msg": "NOTA"},
}
"""How replies name a verb, per language."""

MODE_ALIASES: frozenset[str] = frozenset({"emergency", "emergencia"})
"""ALERT aliases that, followed only by a MODE_WORDS word, are EMERGENCY ON/OFF."""
MODE_WORDS: dict[str, bool] = {
    "on": True, "start": True, "activar": True, "activa": True, "inicio": True,
    "off": False, "stop": False, "end": False, "desactivar": False, "desactiva": False, "fin": False,
}
"""Folded word after EMERGENCY -> emergency mode on (True) or off (False)."""

SHORT_FORMS: dict[str, str] = {a: v for a, v in VERB_ALIASES.items() if len(a) <= 2}
"""The only 1–2 character verbs (`o`, `n`, `ls`, `h`, `?`): never guessed, only exact."""

TYPO_MIN_LEN = 3
"""Typo correction (one edit) applies to tokens of at least this length (`ned` -> need),
unless the token is itself a known word."""

TYPO_TARGETS: frozenset[str] = frozenset("""
    offer ofrezco ofrecer need necesito necesitamos alert alerta emergency emergencia list
    lista find search buscar take claim done hecho cancel cancelar delete borrar safe join
    register help ayuda more siguiente digest resumen
""".split())
"""The aliases a typo may be corrected to: the main word of each verb in each language.
Other aliases (`spare`, `show`, `free`) are exact only, as too many words are near them."""

NOT_TYPOS: frozenset[str] = frozenset("""
    alerts bake bind bone bore cafe cake cancer clam coin cone core dake deed deletes
    dine dome dont dose dune fake feed fine fins fist fund gist gone hake heap heed held
    hell hemp jake joan john joint kelp kind lake last lint lisa lisp loin lone lost
    lust make mare meed mere mind mist mode mote move nee nerd none ore rake reed
    one don doe fin lit jon moe tae ake ind
    sage sake sale same sane save seed sore starch tale tame tape tone wafe wake weed
    whelp wind wist wore yelp resume dona lift techo pecho echo coffer
""".split()) - frozenset(VERB_ALIASES)
"""Common words one edit away from a typo target: never auto-corrected (`fine thanks` is
not FIND, `move my couch` is not MORE)."""

LEAD_FILLERS: frozenset[str] = frozenset("""
    hi hello hey hiya yo hola buenas buenos buen dias tardes good morning afternoon evening
    please pls plz porfa porfavor por favor kindly i we i'm im we're i've ive we've i'd
    am are is can could would will i'll we'll just also still really like to so okay yes
    si nosotros puedo podemos quisiera quisieramos tambien todavia neighbors neighbours
    vecinos friends amigos folks everyone all gracias thanks thank you there
""".split())
"""Words before the verb that are skipped when a verb follows (`Hi, I need water`,
`hola, necesito agua`, `please help`). At most `MAX_LEAD_FILLERS` of them."""
MAX_LEAD_FILLERS = 5

CHAIN_WORDS: dict[str, str] = {
    w: verb for verb, words in {
        "offer": "offer give donate lend share ofrecer dar donar regalar prestar compartir",
        "cancel": "cancel delete remove withdraw cancelar borrar eliminar quitar retirar",
        "take": "take claim tomar reservar", "find": "find search buscar encontrar",
        "join": "join register unirme unirse registrarme", "list": "list",
    }.items() for w in words.split()
}
"""After `want to`/`need to`/`quiero` these infinitives win: `I want to offer rides` is
OFFER, `necesito cancelar n3` CANCEL."""
CHAIN_MODALS: frozenset[str] = frozenset("want need quiero queremos necesito necesitamos".split())

URGENT_ALIASES: dict[str, str] = {"urge": "critical", "urgen": "critical",
                                  "auxilio": "critical", "socorro": "critical"}
"""Aliases that carry urgency themselves: `urge insulina` is a critical NEED."""

# --- urgency -----------------------------------------------------------------------

URGENCY_WORDS: dict[str, str] = {
    "urgent": "critical", "urgently": "critical", "urgente": "critical",
    "urgentemente": "critical", "asap": "critical", "emergency": "critical",
    "emergencia": "critical", "critical": "critical", "critico": "critical",
    "critica": "critical", "immediately": "critical", "inmediatamente": "critical",
    "sos": "critical", "911": "critical",
    "soon": "high", "pronto": "high", "important": "high", "importante": "high",
    "priority": "high", "prioridad": "high", "hurry": "high", "desperate": "high",
    "desperately": "high", "desesperado": "high", "desesperada": "high",
}
"""Folded word -> urgency. `!` alone means high, `!!` or more critical (see parse)."""

URGENCY_PHRASES: dict[tuple[str, ...], str] = {
    ("very", "urgent"): "critical", ("muy", "urgente"): "critical",
    ("life", "threatening"): "critical", ("life", "or", "death"): "critical",
    ("de", "vida", "o", "muerte"): "critical", ("de", "inmediato"): "critical",
    ("lo", "antes", "posible"): "critical", ("as", "soon", "as", "possible"): "critical",
    ("right", "now"): "high", ("ahora", "mismo"): "high", ("high", "priority"): "high",
    ("alta", "prioridad"): "high", ("top", "priority"): "high", ("maxima", "prioridad"): "high",
    ("super", "urgent"): "critical", ("really", "urgent"): "critical",
    ("extremely", "urgent"): "critical", ("super", "urgente"): "critical",
    ("bien", "urgente"): "critical",
}
CALM_PHRASES: frozenset[tuple[str, ...]] = frozenset(tuple(p.split()) for p in (
    "not urgent", "no urgent", "non urgent", "non-urgent", "nonurgent", "no rush", "no hurry",
    "whenever", "low priority", "when possible", "not an emergency", "no emergency",
    "no es urgente", "nada urgente", "no urgente", "sin prisa", "sin apuro", "sin prisas",
    "cuando sea", "cuando puedas", "baja prioridad", "no corre prisa",
))
"""Saying it is *not* urgent: the posting is `normal` whatever else it says (but `!!`)."""

URGENCY_RANK: dict[str, int] = {"normal": 0, "high": 1, "critical": 2}

BANG_CHARS: dict[str, str] = {"‼": "!!", "！": "!", "❗": "!", "❕": "!", "⁉": "!", "🚨": " !! ",
                              "🆘": " !! "}
"""Pictographs that mean `!`/`!!` (`NEED insulin ‼`, `🆘`), rewritten before parsing."""

_DANGER_EN = """
    fire fires smoke burning flood flooding flooded injured injury hurt bleeding blood
    unconscious breathing heart stroke seizure overdose trapped collapsed collapse gas leak
    explosion shooting gun attack attacked assault violence danger dangerous emergency
    accident crash drowning dying dead ambulance police rescue evacuate evacuation evicted
    missing fell fallen urgent sos"""
_DANGER_ES = """
    incendio fuego humo quema inundacion inundado inundada herido herida heridos sangre
    sangrando inconsciente respira infarto convulsion sobredosis atrapado atrapada atrapados
    derrumbe colapso fuga explosion disparo disparos balacera arma ataque asalto violencia
    peligro emergencia accidente choque ahogando muriendo muerto ambulancia policia rescate
    evacuar evacuacion desalojo desaparecido desaparecida cayo caida socorro auxilio urgente
"""
DANGER_WORDS: frozenset[str] = frozenset(_DANGER_EN.split()) | frozenset(_DANGER_ES.split())
"""Words that make `HELP ...` an emergency request, and make an unknown first word
(`fire at elm!`) answer with how to send SOS."""

# --- the language of a message ---------------------------------------------------------

_ES_FUNCTION = """de del la las el los para con por y una unos unas mi mis tu su que en es
    esta estoy hay favor gracias hola buenas muy mas poco mucho algo alguien nada ninguno
    tengo necesito niños ninos bebe urgente calle cerca casa aqui alla donde cuando porque
    pero sin sobre desde hasta entre cada todo todos todas este esta estos nuestra nuestro"""
_EN_FUNCTION = """the of for with and some a an my your our their to in on at is are this
    that please thanks hello hi need have from near here there who what where when kids
    any anyone someone something need needs just very more less it its i we you he she"""


def _language_words() -> tuple[frozenset[str], frozenset[str]]:
    es = set(_ES_FUNCTION.split()) | set(CATEGORY_LANGUAGE_WORDS["es"]) | set(_DANGER_ES.split())
    en = set(_EN_FUNCTION.split()) | set(CATEGORY_LANGUAGE_WORDS["en"]) | set(_DANGER_EN.split())
    for langs in _VERB_WORDS.values():
        es.update(langs.get("es", "").split())
        en.update(langs.get("en", "").split())
    es.update(SPANISH_NUMBER_WORDS)
    en.update(w for w in NUMBER_WORDS if w not in es)
    es.update("kilos litros libras bolsas latas cajas botellas paquetes rollos horas dias "
              "noches semanas personas viajes docena docenas".split())
    es.update(w for w in WEEKDAYS if len(w) > 3 and not w.endswith("day") and not w.endswith("days"))
    en.update(w for w in WEEKDAYS if w.endswith(("day", "days")))
    both = es & en
    return frozenset(es - both), frozenset(en - both)


SPANISH_WORDS, ENGLISH_WORDS = _language_words()
"""Folded words found in only one language's tables: the evidence `language_of` counts."""


# --- lookups -----------------------------------------------------------------------

def language_of(words: list[str], default: str = "en") -> str:
    """`es` or `en` from folded words: whichever language has more words found only in
    its tables; `default` when neither has more."""
    es = en = 0
    for w in words:
        if w in SPANISH_WORDS:
            es += 1
        elif w in ENGLISH_WORDS:
            en += 1
    if es > en:
        return "es"
    if en > es:
        return "en"
    return default
