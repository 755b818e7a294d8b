"""The words of the command language, in English and Spanish: verbs, fillers, numbers,
units, time words, urgency markers, danger words and category keywords.

Every table is keyed by *folded* text (lowercase, accents removed, see `fold`), so
`Ayúda`, `AYUDA` and `ayuda` are one word. Tables only (and the small lookups over
them); the parser reads them and SPEC.md documents them, table by table.
"""

from __future__ import annotations

import unicodedata
from functools import lru_cache

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
           "members": "MIEMBROS"},
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

# --- numbers -----------------------------------------------------------------------

NUMBER_WORDS: dict[str, float] = {
    w: float(i) for i, w in enumerate(
        "one two three four five six seven eight nine ten eleven twelve thirteen "
        "fourteen fifteen sixteen seventeen eighteen nineteen twenty".split(), start=1)
} | {
    # `once` (11) is left out: in a mixed neighbourhood it is the English word.
    w: float(i) for i, w in enumerate(
        "uno dos tres cuatro cinco seis siete ocho nueve diez _ doce trece "
        "catorce quince dieciseis diecisiete dieciocho diecinueve veinte".split(), start=1)
    if w != "_"
} | {
    "un": 1.0, "una": 1.0, "thirty": 30.0, "forty": 40.0, "fifty": 50.0, "hundred": 100.0,
    "treinta": 30.0, "cuarenta": 40.0, "cincuenta": 50.0, "cien": 100.0,
    "half": 0.5, "medio": 0.5, "media": 0.5, "couple": 2.0,
    "sixty": 60.0, "seventy": 70.0, "eighty": 80.0, "ninety": 90.0,
    "sesenta": 60.0, "setenta": 70.0, "ochenta": 80.0, "noventa": 90.0,
} | {
    f"{tens}-{unit}": 10.0 * t + u
    for t, tens in enumerate("twenty thirty forty fifty sixty seventy eighty ninety".split(), 2)
    for u, unit in enumerate("one two three four five six seven eight nine".split(), 1)
} | {
    f"veinti{unit}": 20.0 + u
    for u, unit in enumerate("uno dos tres cuatro cinco seis siete ocho nueve".split(), 1)
} | {"veintiun": 21.0}
"""Folded number word -> value (one..twenty, uno/una/un..veinte, tens, half/medio,
`a couple`, 21-99 as one word: `twenty-five`, `veinticinco`)."""

TENS: frozenset[str] = frozenset(
    "twenty thirty forty fifty sixty seventy eighty ninety "
    "veinte treinta cuarenta cincuenta sesenta setenta ochenta noventa".split())
"""Tens that a units word may follow (`twenty five`, `treinta y cinco`)."""

PART_WORDS: dict[str, float] = {"quarter": 0.25, "cuarto": 0.25, "third": 1 / 3, "tercio": 1 / 3}
"""A fraction said in words, a quantity only before a unit (`un cuarto de kilo`)."""

PAIRED: frozenset[str] = frozenset("""
    shoe shoes boot boots glove gloves sock socks sandal sandals sneaker sneakers jeans pants
    trousers glasses earrings zapato zapatos zapatilla zapatillas bota botas guante guantes
    calcetin calcetines media medias ojota ojotas sandalia sandalias chancla chanclas lente
    lentes anteojos pantalon pantalones tenis aretes
""".split())
"""Things that come in pairs: `un par de zapatos` is one pair, `un par de latas` two cans."""

DOZEN_WORDS: frozenset[str] = frozenset({"dozen", "dozens", "doz", "docena", "docenas"})
"""Multiply the number before them by 12 (`two dozen` = 24); alone or after `a` = 12."""

FRACTIONS: dict[str, float] = {"½": 0.5, "¼": 0.25, "¾": 0.75, "1/2": 0.5, "1/4": 0.25,
                               "3/4": 0.75, "1/3": 1 / 3, "2/3": 2 / 3}

# --- units -------------------------------------------------------------------------

_UNIT_WORDS: dict[str, str] = {
    "kg": "kg kgs kilo kilos kilogram kilograms kilogramo kilogramos",
    "g": "g gr grs gram grams gramo gramos",
    "lb": "lb lbs pound pounds libra libras",
    "oz": "oz ounce ounces onza onzas",
    "L": "l lt lts ltr ltrs litre litres liter liters litro litros",
    "ml": "ml millilitre millilitres milliliter milliliters mililitro mililitros",
    "gal": "gal gals gallon gallons galon galones",
    "m": "m metre metres meter meters metro metros",
    "pcs": "pc pcs piece pieces pieza piezas unit units unidad unidades",
    "pairs": "pair pairs par pares",
    "bags": "bag bags bolsa bolsas sack sacks saco sacos",
    "jars": "jar jars frasco frascos",
    "cans": "can cans tin tins lata latas",
    "boxes": "box boxes caja cajas",
    "bottles": "bottle bottles botella botellas",
    "packs": "pack packs packet packets paquete paquetes pkg",
    "rolls": "roll rolls rollo rollos",
    "loaves": "loaf loaves barra barras",
    "doses": "dose doses dosis",
    "meals": "meal meals racion raciones serving servings porcion porciones plate plates plato platos",
    "kits": "kit kits",
    "h": "h hr hrs hour hours hora horas",
    "min": "min mins minute minutes minuto minutos",
    "days": "day days dia dias",
    "nights": "night nights noche noches",
    "weeks": "week weeks semana semanas",
    "people": "people person persons persona personas pax",
    "trips": "trip trips viaje viajes",
    "loads": "load loads carga cargas",
    "cups": "cup cups taza tazas",
    "$": "$ usd dollar dollars dolar dolares buck bucks",
    "pesos": "peso pesos",
    "€": "€ eur euro euros",
}
UNITS: dict[str, str] = {a: unit for unit, words in _UNIT_WORDS.items() for a in words.split()}
"""Folded unit word -> canonical unit. Canonical forms are SI-style symbols (`kg`, `g`,
`L`, `ml`, `lb`, `oz`, `gal`, `m`, `h`, `min`), currency signs, or English plurals."""

SYMBOL_UNITS: frozenset[str] = frozenset(
    {"kg", "g", "lb", "oz", "L", "ml", "gal", "m", "h", "min", "$", "€", "pesos"})
"""Units that are symbols, not things: `OFFER 5kg` has no item, while `OFFER 6 loaves`
keeps `loaves` as its item."""

CURRENCY_SIGNS: frozenset[str] = frozenset({"$", "€"})
"""Written before the number (`$20`) as well as after it."""

SPEC_UNITS: frozenset[str] = frozenset("""
    kw w watt watts kwh wh v volt volts ah mah amp amps hp cc inch inches ft foot feet
    cm mm gb tb mb mp ghz mhz btu psi % year years yr yrs yo ano anos month months mo
    meses mes week-old old th st nd rd am pm
""".split())
"""Words after a number that make it a specification, not a count (`2 kW generator`,
`12 volt`, `5 years`, `10 ft ladder`): the number stays in the item."""

LABEL_WORDS: frozenset[str] = frozenset(
    "size sz talla age edad no nr num number numero model modelo apt apartment depto "
    "house casa lot lote unit-no # route ruta bus linea line room cuarto ward".split())
"""Words before a number that make it a label (`size 8`, `talla 3`, `route 5`)."""

# --- times and expiry --------------------------------------------------------------

WEEKDAYS: dict[str, str] = {
    "monday": "mon", "mondays": "mon", "tuesday": "tue", "tuesdays": "tue", "tues": "tue",
    "tue": "tue", "wednesday": "wed", "wednesdays": "wed", "weds": "wed",
    "thursday": "thu", "thursdays": "thu", "thu": "thu", "thur": "thu", "thurs": "thu",
    "friday": "fri", "fridays": "fri", "fri": "fri", "saturday": "sat", "saturdays": "sat",
    "sunday": "sun", "sundays": "sun",
    "lunes": "mon", "martes": "tue", "miercoles": "wed", "jueves": "thu", "viernes": "fri",
    "sabado": "sat", "sabados": "sat", "domingo": "sun", "domingos": "sun",
    "lun": "mon", "mie": "wed", "jue": "thu", "vie": "fri", "sab": "sat", "dom": "sun",
}
"""Folded weekday (full, plural or abbreviated; en/es) -> its English abbreviation."""

WEEKDAYS_IN_CONTEXT: dict[str, str] = {"mon": "mon", "wed": "wed", "sat": "sat", "sun": "sun",
                                       "mar": "tue"}
"""Abbreviations that are also words (`sun hat`, `mar`): a weekday only next to a time,
another day word, or after `on`/`until`/`every`."""

DAY_WORDS: frozenset[str] = frozenset("""
    today tonight tomorrow tmrw tmr tmw morning mornings afternoon afternoons evening evenings
    weekend weekends weekday weekdays daily nightly everyday midday noon midnight overnight
    hoy manana mananas tarde tardes mediodia diario diariamente finde madrugada
""".split())
"""Folded words that name a time of day or week (`tonight`, `mañana`, `weekends`)."""

DAY_PHRASES: frozenset[tuple[str, ...]] = frozenset(tuple(p.split()) for p in (
    "this week", "this weekend", "next week", "all week", "all day", "every day", "each day",
    "every night", "at night", "this morning", "this afternoon", "this evening",
    "esta noche", "esta semana", "este fin de semana", "fin de semana", "fines de semana",
    "por la manana", "por la tarde", "por la noche", "en la manana", "en la tarde",
    "en la noche", "todos los dias", "cada dia", "toda la semana", "todo el dia",
    "la proxima semana", "el fin de semana", "in the morning", "in the afternoon",
    "in the evening", "after work", "despues del trabajo",
))

MONTHS: frozenset[str] = frozenset("""
    jan january feb february march apr april may june july aug august sep sept september
    oct october nov november dec december enero febrero marzo abril mayo junio julio agosto
    septiembre setiembre octubre noviembre diciembre
""".split())

CLOCK_SUFFIXES: frozenset[str] = frozenset("am pm a.m. p.m. o'clock oclock".split())

UNTIL_WORDS: frozenset[str] = frozenset(
    "until till til untill through thru hasta exp expires expiring vence caduca by".split())
"""Before a day, date or time they give the posting's end (`until fri`, `hasta el lunes`)."""
UNTIL_PHRASES: frozenset[tuple[str, ...]] = frozenset(tuple(p.split()) for p in (
    "good until", "best before", "valid until", "open until", "good till",
))
DURATION_PREPS: frozenset[str] = frozenset("for por durante".split())
DURATION_UNITS: dict[str, str] = {
    "day": "days", "days": "days", "dia": "days", "dias": "days",
    "week": "weeks", "weeks": "weeks", "semana": "weeks", "semanas": "weeks",
    "month": "months", "months": "months", "mes": "months", "meses": "months",
}
"""`for 3 days`, `por 2 semanas`: how long a posting stands, not a quantity."""

# --- categories --------------------------------------------------------------------
# Per category: English words and Spanish words; after a `|`, phrases, one per `|`.
# Words common to both languages (`radio`, `taxi`) are listed under English.

_CATEGORY_WORDS: dict[str, dict[str, str]] = {
    "food": {
        "en": """food groceries grocery meal rice bread loaf bean lentil pasta noodle flour
            sugar oil egg milk formula cereal oat oatmeal meat chicken fish tuna vegetable
            veggie fruit apple banana potato tomato onion corn tortilla soup coffee tea
            cheese butter snack sandwich cookie juice canned produce
            beef pork ham sausage bacon salt spice yogurt honey jam peanut nuts cracker
            chips lunch dinner breakfast supper casserole stew bake baked pie cake muffin
            rations ration grain cornmeal pantry eat eating hungry|canned goods|baby food""",
        "es": """comida alimento alimentos despensa arroz pan frijol habichuela lenteja fideo
            harina azucar aceite huevo leche avena carne pollo pescado atun verdura fruta
            manzana platano papa patata tomate cebolla maiz sopa cafe queso mantequilla
            galleta jugo zumo enlatado enlatados viveres abarrotes garbanzo res cerdo jamon
            salchicha sal yogur miel mermelada almuerzo cena desayuno guiso pastel tamal
            tamales pupusa comer hambre mercado poroto palta choclo zapallo sandia frutilla
            empanada torta caraota cambur arepa durazno|leche de formula|formula de bebe""",
    },
    "water": {
        "en": """water ice purifier|bottled water|water filter|drinking water|water jug""",
        "es": """agua hielo purificador garrafon bidon|agua potable|filtro de agua""",
    },
    "medical": {
        "en": """medical medicine meds medication insulin pill inhaler bandage gauze doctor
            nurse prescription antibiotic amoxicillin paracetamol ibuprofen tylenol advil
            aspirin epipen oxygen wheelchair crutch walker cane thermometer glucose syringe
            clinic hospital pharmacy mask dialysis health insulin diabetic diabetes
            painkiller antiseptic ointment neosporin splint brace cpap nebulizer stethoscope
            vitamins vitamin medic paramedic checkup dentist dental|first aid|blood pressure
            |test strips|glucose meter|hearing aid""",
        "es": """medico medicina medicamento medicamentos insulina pastilla inhalador venda
            vendaje gasa botiquin enfermera enfermero receta antibiotico paracetamol
            ibuprofeno aspirina oxigeno muleta andadera baston termometro glucosa jeringa
            clinica farmacia mascarilla cubrebocas dialisis salud diabetico analgesico
            pomada curita curitas vitamina dentista remedio jarabe suero tapabocas anteojos
            gafas|silla de ruedas|primeros auxilios
            |presion arterial""",
    },
    "shelter": {
        "en": """shelter bed blanket tent mattress pillow room housing roof tarp tarpaulin
            couch sofa cot lodging bedding sheets quilt comforter duvet airbed cabin trailer
            rv camper bedroom host hosting|sleeping bag|place to stay|air mattress|spare room""",
        "es": """refugio albergue cama manta cobija frazada colchon almohada cuarto habitacion
            vivienda techo lona catre alojamiento hospedaje sabana edredon alojar hospedar
            carpa|saco de dormir|lugar para quedarse|donde quedarse|casa de campana
            |lugar para dormir|donde dormir""",
    },
    "clothing": {
        "en": """clothing clothes jacket coat shoe boot sock shirt pants trousers jeans
            sweater hoodie hat glove scarf underwear dress uniform raincoat sneaker sandal
            pajamas onesie mittens beanie shorts skirt blouse leggings bra
            tshirt outfit garment poncho vest overalls|t shirt""",
        "es": """ropa chaqueta chamarra abrigo zapato bota calcetin camisa camiseta pantalon
            sueter gorro sombrero guante bufanda calzones vestido uniforme impermeable tenis
            sandalia pijama chaleco falda blusa calcetines playera sudadera chancla
            campera chompa buzo remera polera zapatilla ojota pollera""",
    },
    "childcare": {
        "en": """childcare babysit babysitting babysitter nanny daycare crib stroller toy
            playpen pacifier highchair kids baby babies child children infant
            toddler|child care|car seat|baby sitter|watch kids|watch my kids|baby monitor
            |after school""",
        "es": """ninera guarderia cuna carriola cochecito juguete chupon bebe bebes nino nina
            ninos ninas infantil mamadera chupete tetero|cuidado de ninos|cuidar ninos|cuidar a los ninos|silla de bebe
            |silla para auto""",
    },
    "transport": {
        "en": """transport transportation ride lift car van truck bike bicycle driver taxi
            bus delivery scooter motorcycle fare carpool pickup dropoff shuttle tow towing
            drive|bus fare|bus ticket|gas money|pick up|drop off|bike lock""",
        "es": """transporte aventon raite carro coche auto camion bici bicicleta chofer
            entrega moto pasaje boleto camioneta llevar traslado colectivo bondi
            guagua|pasaje de bus
            |pasaje de autobus|me lleve|que me lleve""",
    },
    "repair": {
        "en": """repair repairs fix fixing mend plumbing plumber carpentry carpenter
            electrician wiring mechanic welding handyman sewing roofer roofing patch
            leak leaking leaky broken glazier locksmith""",
        "es": """reparar reparacion arreglar arreglo plomero fontanero plomeria fontaneria
            carpintero carpinteria electricista mecanico soldar costura gotera goteras roto
            rota cerrajero""",
    },
    "power": {
        "en": """power electricity battery generator solar inverter charger charging
            powerbank fuel gasoline gas diesel propane kerosene candle flashlight lantern
            lamp firewood wood charcoal headlamp outlet|power bank|phone charging
            |phone charger|extension cord|solar panel|power strip""",
        "es": """electricidad luz bateria pila generador inversor cargador gasolina propano
            queroseno vela linterna lampara energia lena carbon enchufe garrafa nafta
            bombona fosforo encendedor|panel solar|cargar telefono|cargar celular
            |cargar el celular|cargar mi celular|cargar el celu|cargar mi celu""",
    },
    "tools": {
        "en": """tools tool drill saw ladder hammer screwdriver wrench shovel rake wheelbarrow
            chainsaw pliers axe rope toolbox hose bucket nail screw tape crowbar pickaxe
            trowel mop broom jack clamp sander grinder level|duct tape
            |jumper cables""",
        "es": """herramienta herramientas taladro sierra escalera martillo destornillador
            desarmador llave pala rastrillo carretilla motosierra pinzas alicate hacha cuerda
            soga manguera cubeta balde clavo tornillo escoba trapeador|cinta adhesiva""",
    },
    "education": {
        "en": """education tutoring tutor lesson class school homework teacher book notebook
            pencil literacy course math reading writing english spanish esl ged study
            studying backpack calculator training workshop learn learning""",
        "es": """educacion tutoria leccion clase escuela tarea maestro maestra profesor
            profesora libro cuaderno lapiz alfabetizacion curso matematicas lectura
            escritura ingles espanol mochila aprender taller estudiar""",
    },
    "labor": {
        "en": """labor labour hands volunteer volunteers moving lifting cleanup yardwork
            gardening digging worker chores errands sandbag sandbags debris hauling unload
            carrying carry cleaning shoveling mowing painting muscle helpers helper
            help|heavy lifting|clean up|muck out|yard work""",
        "es": """manos voluntario voluntarios mudanza limpieza jardineria trabajador trabajo
            mandados escombros descargar cargar cargando limpiar pintar ayudantes ayudante
            ayuda|mano de obra""",
    },
    "hygiene": {
        "en": """hygiene soap shampoo toothpaste toothbrush diaper pad tampon sanitizer
            disinfectant bleach wipes towel deodorant shower laundry detergent razor
            menstrual conditioner lotion tissues tissue nappies nappy|toilet paper
            |sanitary pads|baby wipes|feminine products|period products""",
        "es": """higiene jabon champu cepillo panal toalla toallitas desinfectante cloro lejia
            desodorante ducha lavanderia detergente kotex panuelos
            compresas|papel higienico|pasta de dientes|toallas sanitarias
            |cepillo de dientes""",
    },
    "communication": {
        "en": """communication radio walkie phone cellphone sim internet wifi meshtastic node
            antenna message signal translator interpreter translation computer laptop
            tablet email printer|walkie talkie|phone call""",
        "es": """comunicacion telefono celular movil nodo antena mensaje senal traductor
            interprete traduccion computadora|llamada telefonica""",
    },
    "other": {"en": "other", "es": "otro otros"},
}

STRONG_KEYWORDS: dict[str, str] = {
    w: "repair" for w in "repair repairs repaired fix fixing fixed mend patched reparar reparacion "
                         "arreglar arreglo arregle arreglen arreglado repare reparen leak leaking leaky gotera "
                         "goteras".split()
}
"""Words that decide the category wherever they stand: `bike repair` is repair."""

WEAK_KEYWORDS: dict[str, str] = {
    w: c for c, words in {
        "childcare": "kids baby babies child children infant toddler bebe bebes nino nina ninos ninas "
                     "hijo hija hijos hijas nene nena",
        "labor": "help helpers helper ayuda ayudante ayudantes hands manos work",
        "repair": "broken roto rota",
        "power": "gas",
        "shelter": "room cuarto",
        "education": "english spanish ingles espanol",
    }.items() for w in words.split()
}
"""Words that decide the category only when no other keyword does: `kids jackets` is
clothing, `watch kids` childcare; `gas leak`-like phrases are repair, `gas` alone power."""


def _plurals(word: str) -> set[str]:
    """The plural spellings a resident may use for a folded singular keyword."""
    out = {word + "s", word + "es"}
    if word.endswith("y") and word[-2:-1] not in ("a", "e", "i", "o", "u"):
        out.add(word[:-1] + "ies")
    if word.endswith("f"):
        out.add(word[:-1] + "ves")
    if word.endswith("fe"):
        out.add(word[:-2] + "ves")
    if word.endswith("z"):
        out.add(word[:-1] + "ces")
    return out


def _keyword_tables() -> tuple[
        dict[tuple[str, ...], str], dict[str, str], dict[str, list[tuple[tuple[str, ...], str]]],
        dict[str, set[str]]]:
    """Base keywords; every single-word spelling (with plurals); phrases by first word;
    and the words of each language (for telling the language of a message)."""
    base: dict[tuple[str, ...], str] = {}
    langs: dict[str, set[str]] = {"en": set(), "es": set()}
    for category, by_lang in _CATEGORY_WORDS.items():
        for lang, text in by_lang.items():
            words, *phrases = text.split("|")
            for entry in [(w,) for w in words.split()] + [tuple(p.split()) for p in phrases]:
                if entry in base and base[entry] != category:
                    raise ValueError(f"{entry} is in {base[entry]} and {category}")
                base[entry] = category
                langs[lang].update(entry)
    singles: dict[str, str] = {}
    for (key, category) in ((k, c) for k, c in base.items() if len(k) == 1):
        for form in _plurals(key[0]):
            singles.setdefault(form, category)
    singles.update({k[0]: c for k, c in base.items() if len(k) == 1})
    phrases: dict[str, list[tuple[tuple[str, ...], str]]] = {}
    for key, category in base.items():
        if len(key) > 1:
            for last in {key[-1], *_plurals(key[-1])}:
                phrases.setdefault(key[0], []).append((key[:-1] + (last,), category))
    for entries in phrases.values():
        entries.sort(key=lambda e: -len(e[0]))
    return base, singles, phrases, langs


CATEGORY_KEYWORDS, _SINGLE_KEYWORDS, _PHRASES_BY_FIRST, _CATEGORY_LANG_WORDS = _keyword_tables()
"""`CATEGORY_KEYWORDS`: folded word or phrase (as a tuple of words) -> category, as listed.
Plurals are matched through generated spellings, so only singulars need listing."""


def _deletes(word: str) -> set[str]:
    return {word[:i] + word[i + 1:] for i in range(len(word))}


FUZZY_MIN_LEN = 5
"""Item words of at least this length may match a keyword one typo away (`blankts`)."""


def _fuzzy_index() -> dict[str, set[str]]:
    index: dict[str, set[str]] = {}
    for word in _SINGLE_KEYWORDS:
        if len(word) >= FUZZY_MIN_LEN:
            for key in {word} | _deletes(word):
                index.setdefault(key, set()).add(word)
    return index


_FUZZY = _fuzzy_index()

# --- the language of a message ---------------------------------------------------------

_ES_FUNCTION = """de del la las el los para con por y una unos unas mi mis tu su que en es
    esta estoy hay favor gracias hola buenas muy mas poco mucho algo alguien nada ninguno
    tengo necesito niños ninos bebe urgente calle cerca casa aqui alla donde cuando porque
    pero sin sobre desde hasta entre cada todo todos todas este esta estos nuestra nuestro"""
_EN_FUNCTION = """the of for with and some a an my your our their to in on at is are this
    that please thanks hello hi need have from near here there who what where when kids
    any anyone someone something need needs just very more less it its i we you he she"""


def _language_words() -> tuple[frozenset[str], frozenset[str]]:
    es = set(_ES_FUNCTION.split()) | set(_CATEGORY_LANG_WORDS["es"]) | set(_DANGER_ES.split())
    en = set(_EN_FUNCTION.split()) | set(_CATEGORY_LANG_WORDS["en"]) | set(_DANGER_EN.split())
    for langs in _VERB_WORDS.values():
        es.update(langs.get("es", "").split())
        en.update(langs.get("en", "").split())
    es.update(w for w, v in NUMBER_WORDS.items() if w in "uno dos tres cuatro cinco seis siete "
              "ocho nueve diez doce trece catorce quince veinte treinta cuarenta cincuenta cien "
              "medio media un una".split())
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

@lru_cache(maxsize=16384)
def fold(text: str) -> str:
    """Lowercase and strip accents (`Ayúda` -> `ayuda`, `pañal` -> `panal`) for lookups."""
    if text.isascii():
        return text.lower()
    decomposed = unicodedata.normalize("NFKD", text.casefold())
    return "".join(ch for ch in decomposed if not unicodedata.combining(ch))


def category_of(words: list[str]) -> str | None:
    """The category of folded item words, or None when nothing fits.

    In order: a strong word anywhere (`fix`, `repair`: repair); else the first keyword in
    reading order, a phrase beating a single word at the same place (`pasta de dientes`
    is hygiene, `pasta` food); else a weak word (`kids`, `help`); else a keyword one typo
    away from a word of 5+ letters (`blankts`), if only one category is that close.
    """
    first: str | None = None
    weak: str | None = None
    for i, word in enumerate(words):
        if word in STRONG_KEYWORDS:
            return STRONG_KEYWORDS[word]
        if first is not None:
            continue
        for phrase, category in _PHRASES_BY_FIRST.get(word, ()):
            if tuple(words[i:i + len(phrase)]) == phrase:
                first = category
                break
        else:
            if word in WEAK_KEYWORDS:
                weak = weak or WEAK_KEYWORDS[word]
            elif word in _SINGLE_KEYWORDS:
                first = _SINGLE_KEYWORDS[word]
    if first or weak:
        return first or weak
    return _fuzzy_category(words)


def _fuzzy_category(words: list[str]) -> str | None:
    found: set[str] = set()
    for word in words:
        if len(word) < FUZZY_MIN_LEN or not word.isalpha():
            continue
        candidates: set[str] = set(_FUZZY.get(word, ()))
        for key in _deletes(word):
            candidates |= _FUZZY.get(key, set())
        found |= {_SINGLE_KEYWORDS[c] for c in candidates if osa_distance(word, c) <= 1}
        if found:
            break
    return found.pop() if len(found) == 1 else None


def osa_distance(a: str, b: str) -> int:
    """Optimal-string-alignment distance, for short words (Damerau: a swap counts once)."""
    prev2: list[int] = []
    prev = list(range(len(b) + 1))
    for i, ca in enumerate(a, 1):
        row = [i] + [0] * len(b)
        for j, cb in enumerate(b, 1):
            row[j] = min(prev[j] + 1, row[j - 1] + 1, prev[j - 1] + (ca != cb))
            if i > 1 and j > 1 and ca == b[j - 2] and a[i - 2] == cb:
                row[j] = min(row[j], prev2[j - 2] + 1)
        prev2, prev = prev, row
    return prev[-1]


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
