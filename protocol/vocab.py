"""The words of the command language, in English and Spanish: verbs, numbers, units,
urgency markers and category keywords.

Every table is keyed by *folded* text (lowercase, accents removed, see `fold`), so
`Ayúda`, `AYUDA` and `ayuda` are one word. Tables only; the parser reads them and
SPEC.md documents them.
"""

from __future__ import annotations

import unicodedata

# --- verbs -------------------------------------------------------------------------

_VERB_WORDS: dict[str, str] = {
    "offer": "offer offers offering o ofrezco ofrecer oferta tengo have give doy",
    # `busco` ("I am looking for") posts a NEED; the infinitive `buscar` searches (FIND).
    # `quiero` mirrors `want`, so it is NEED too; TAKE a posting with `tomo`.
    "need": "need needs n necesito necesitamos busco want quiero",
    "alert": "alert sos emergency emergencia alerta",
    "list": "list ls lista listar ver",
    "find": "find search buscar",
    "my": "my mine mis",
    "take": "take claim tomo tomar",
    "done": "done hecho listo",
    "cancel": "cancel cancelar borrar delete",
    "safe": "safe bien",
    "join": "join unirse register",
    "help": "help h ? ayuda",
    "more": "more next mas siguiente",
    "digest": "digest resumen",
}
_VERB_PHRASES: dict[str, str] = {
    "a salvo": "safe", "estoy bien": "safe", "estamos bien": "safe", "todo bien": "safe",
}

VERB_ALIASES: dict[str, str] = {
    alias: verb for verb, words in _VERB_WORDS.items() for alias in words.split()
}
"""Folded alias -> canonical verb. One-word aliases only; see `VERB_PHRASES`."""

VERB_PHRASES: dict[str, str] = dict(_VERB_PHRASES)
"""Two-word aliases (`a salvo`, `estoy bien`), folded, one space."""

ALIASES_BY_VERB: dict[str, tuple[str, ...]] = {
    verb: tuple(words.split()) + tuple(p for p, v in _VERB_PHRASES.items() if v == verb)
    for verb, words in _VERB_WORDS.items()
}
"""Canonical verb -> its aliases, canonical first: for help text and the command card."""

SHORT_FORMS: dict[str, str] = {a: v for a, v in VERB_ALIASES.items() if len(a) <= 2}
"""The only 1–2 character verbs (`o`, `n`, `ls`, `h`, `?`): never guessed, only exact."""

TYPO_MIN_LEN = 4
"""Typo correction (one edit) applies to tokens and aliases of at least this length."""

NOT_TYPOS: frozenset[str] = frozenset("""
    bake bein bind bone cafe cake cancer cien coin deed dine dive dome dont dose fake feed
    fine fins fist five fund gave gist gone hace hate hecha heed held hell hemp hive joan
    john kind lake last line lisa live loin lost lust make mien mike mile mina mind mise
    mist nerd nine none pant pecho pine rake reed sage sake sale same save seed sien tale
    tame tango tape techo tien todo tome tone wait wake wand wane weed went wind wine yelp
""".split()) - frozenset(VERB_ALIASES)
"""Common words one edit away from a verb: never auto-corrected (`fine thanks` is not FIND)."""

# --- urgency -----------------------------------------------------------------------

URGENCY_WORDS: dict[str, str] = {
    "urgent": "critical", "urgently": "critical", "urgente": "critical", "asap": "critical",
    "emergency": "critical", "emergencia": "critical", "critical": "critical",
    "critico": "critical", "critica": "critical",
    "soon": "high", "pronto": "high", "important": "high", "importante": "high",
}
"""Folded word -> urgency. `!` alone means high, `!!` or more critical (see parse)."""

URGENCY_RANK: dict[str, int] = {"normal": 0, "high": 1, "critical": 2}

# --- numbers -----------------------------------------------------------------------

NUMBER_WORDS: dict[str, float] = {
    w: float(i) for i, w in enumerate(
        "one two three four five six seven eight nine ten eleven twelve thirteen "
        "fourteen fifteen sixteen seventeen eighteen nineteen twenty".split(), start=1)
} | {
    w: float(i) for i, w in enumerate(
        "uno dos tres cuatro cinco seis siete ocho nueve diez once doce trece "
        "catorce quince dieciseis diecisiete dieciocho diecinueve veinte".split(), start=1)
} | {
    "un": 1.0, "una": 1.0, "thirty": 30.0, "forty": 40.0, "fifty": 50.0, "hundred": 100.0,
    "treinta": 30.0, "cuarenta": 40.0, "cincuenta": 50.0, "cien": 100.0,
    "half": 0.5, "medio": 0.5, "media": 0.5,
}
"""Folded number word -> value (one..twenty, uno/una/un..veinte, tens, half/medio)."""

DOZEN_WORDS: frozenset[str] = frozenset({"dozen", "dozens", "doz", "docena", "docenas"})
"""Multiply the number before them by 12 (`two dozen` = 24); alone or after `a` = 12."""

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
    "loaves": "loaf loaves",
    "doses": "dose doses dosis",
    "meals": "meal meals racion raciones",
    "kits": "kit kits",
    "h": "h hr hrs hour hours hora horas",
    "min": "min mins minute minutes minuto minutos",
    "days": "day days dia dias",
    "nights": "night nights noche noches",
    "people": "people person persons persona personas pax",
    "trips": "trip trips viaje viajes",
}
UNITS: dict[str, str] = {a: unit for unit, words in _UNIT_WORDS.items() for a in words.split()}
"""Folded unit word -> canonical unit. Canonical forms are SI-style symbols (`kg`, `g`,
`L`, `ml`, `lb`, `oz`, `gal`, `m`, `h`, `min`) or English plurals (`bags`, `loaves`)."""

SYMBOL_UNITS: frozenset[str] = frozenset({"kg", "g", "lb", "oz", "L", "ml", "gal", "m", "h", "min"})
"""Units that are symbols, not things: `OFFER 5kg` has no item, while `OFFER 6 loaves`
keeps `loaves` as its item."""

MAX_QUANTITY = 999_999.0


# --- categories --------------------------------------------------------------------

_CATEGORY_WORDS: dict[str, str] = {
    "food": """food comida alimento groceries grocery despensa meal rice arroz bread pan
        loaf bean frijol habichuela lentil lenteja pasta noodle fideo flour harina sugar
        azucar oil aceite egg huevo milk leche formula cereal oat avena meat carne chicken
        pollo fish pescado tuna atun vegetable veggie verdura fruit fruta apple manzana
        banana platano potato papa patata tomato tomate onion cebolla corn maiz tortilla
        soup sopa coffee cafe tea cheese queso butter mantequilla snack sandwich cookie
        galleta juice jugo zumo canned""",
    "water": """water agua ice hielo purifier purificador|water filter|drinking water""",
    "medical": """medical medico medicine medicina medicamento meds insulin insulina pill
        pastilla inhaler inhalador bandage venda vendaje botiquin doctor nurse enfermera
        enfermero prescription antibiotic antibiotico paracetamol ibuprofen ibuprofeno
        aspirin aspirina epipen oxygen oxigeno wheelchair crutch muleta thermometer
        termometro glucose glucosa syringe jeringa clinic clinica hospital pharmacy farmacia
        mask mascarilla cubrebocas dialysis salud health|first aid|silla de ruedas""",
    "shelter": """shelter refugio albergue bed cama blanket manta cobija frazada tent
        mattress colchon pillow almohada room cuarto habitacion housing vivienda roof techo
        tarp lona couch sofa cot catre alojamiento hospedaje lodging bedding sabana
        |sleeping bag|saco de dormir|place to stay""",
    "clothing": """clothing clothes ropa jacket chaqueta chamarra coat abrigo shoe zapato
        boot bota sock calcetin shirt camisa camiseta pants pantalon trousers jeans sweater
        sueter hoodie hat gorro sombrero glove guante scarf bufanda underwear dress vestido
        uniform uniforme raincoat impermeable sneaker tenis sandal sandalia pajamas pijama""",
    "childcare": """childcare babysit babysitting babysitter nanny ninera guarderia daycare
        crib cuna stroller carriola cochecito toy juguete|child care|car seat
        |cuidado de ninos|cuidar ninos""",
    "transport": """transport transporte ride aventon raite lift car carro coche auto van
        truck camion bike bicycle bici bicicleta driver chofer taxi bus delivery scooter
        motorcycle moto""",
    "repair": """repair reparar reparacion fix arreglar arreglo plumbing plumber plomero
        fontanero plomeria fontaneria carpentry carpenter carpintero carpinteria
        electrician electricista wiring mechanic mecanico welding handyman sewing costura
        mend""",
    "power": """power electricity electricidad luz battery bateria pila generator generador
        solar inverter inversor charger cargador charging powerbank fuel gasoline gasolina
        diesel propane propano kerosene queroseno candle vela flashlight linterna lantern
        lampara lamp energia|power bank|phone charging|phone charger|extension cord""",
    "tools": """tools tool herramienta drill taladro saw sierra ladder escalera hammer
        martillo screwdriver destornillador desarmador wrench shovel pala rake wheelbarrow
        carretilla chainsaw motosierra pliers pinzas alicate axe hacha rope cuerda soga
        toolbox hose manguera bucket cubeta balde nail clavo screw tornillo|duct tape""",
    "education": """education educacion tutoring tutor tutoria lesson leccion class clase
        school escuela homework teacher maestro maestra profesor profesora book libro
        notebook cuaderno pencil lapiz literacy alfabetizacion course curso math""",
    "labor": """labor labour hands manos volunteer voluntario moving mudanza lifting cleanup
        limpieza yardwork gardening jardineria digging worker trabajador trabajo chores
        errands mandados sandbag debris escombros hauling unload descargar
        |mano de obra|heavy lifting""",
    "hygiene": """hygiene higiene soap jabon shampoo champu toothpaste toothbrush diaper
        panal pad tampon sanitizer desinfectante disinfectant bleach cloro lejia wipes
        toallitas towel toalla deodorant desodorante shower ducha laundry lavanderia
        detergent detergente|toilet paper|papel higienico|pasta de dientes""",
    "communication": """communication comunicacion radio walkie phone telefono celular
        cellphone movil sim internet wifi meshtastic node nodo antenna antena message
        mensaje signal senal translator traductor interpreter interprete""",
    "other": "other otro otros",
}


def _keyword_table() -> dict[tuple[str, ...], str]:
    table: dict[tuple[str, ...], str] = {}
    for category, text in _CATEGORY_WORDS.items():
        words, *phrases = text.split("|")
        for entry in [(w,) for w in words.split()] + [tuple(p.split()) for p in phrases]:
            if entry in table and table[entry] != category:
                raise ValueError(f"{entry} is in {table[entry]} and {category}")
            table[entry] = category
    return table


CATEGORY_KEYWORDS: dict[tuple[str, ...], str] = _keyword_table()
"""Folded word or phrase (as a tuple of words) -> category. Plurals are matched by
`stems`, so only singulars (and irregulars) are listed."""

_MAX_PHRASE = max(len(k) for k in CATEGORY_KEYWORDS)


def fold(text: str) -> str:
    """Lowercase and strip accents (`Ayúda` -> `ayuda`, `pañal` -> `panal`) for lookups."""
    decomposed = unicodedata.normalize("NFKD", text.casefold())
    return "".join(ch for ch in decomposed if not unicodedata.combining(ch))


def stems(word: str) -> tuple[str, ...]:
    """The word and its likely singulars (`batteries`, `loaves`, `pañales`, `mantas`)."""
    out = [word]
    if len(word) > 3 and word.endswith("ies"):
        out.append(word[:-3] + "y")
    if len(word) > 3 and word.endswith("ves"):
        out.append(word[:-3] + "f")
    if len(word) > 3 and word.endswith("es"):
        out.append(word[:-2])
    if len(word) > 2 and word.endswith("s"):
        out.append(word[:-1])
    return tuple(out)


def category_of(words: list[str]) -> str | None:
    """The category of the first keyword (or phrase) in reading order, or None.

    `words` are folded. At each position the longest phrase wins, so `pasta de dientes`
    is hygiene while `pasta` alone is food.
    """
    for i in range(len(words)):
        for n in range(min(_MAX_PHRASE, len(words) - i), 0, -1):
            for key in _candidates(words[i:i + n]):
                if key in CATEGORY_KEYWORDS:
                    return CATEGORY_KEYWORDS[key]
    return None


def _candidates(words: list[str]) -> list[tuple[str, ...]]:
    """Every phrase key the words could stand for; the last word may be plural."""
    *head, last = words
    return [tuple(head) + (s,) for s in stems(last)] + (
        [tuple(stems(w)[-1] for w in words)] if len(words) > 1 else [])
