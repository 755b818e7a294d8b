"""The words of amounts and times, in English and Spanish: number words, fractions,
dozens, units, the numbers that are specifications or labels, weekdays, day words,
months, and the words of expiry. Folded text, tables only (SPEC §3.1-§3.5).
"""

from __future__ import annotations

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

PART_WORDS: dict[str, float] = {"quarter": 0.25, "cuarto": 0.25, "third": 1 / 3, "tercio": 1 / 3,
                                "quarters": 0.25, "cuartos": 0.25, "thirds": 1 / 3, "tercios": 1 / 3}
"""A fraction said in words, a quantity only before a unit (`un cuarto de kilo`)."""

PAIRED: frozenset[str] = frozenset("""
    shoe shoes boot boots glove gloves sock socks sandal sandals sneaker sneakers jeans pants
    trousers glasses earrings zapato zapatos zapatilla zapatillas bota botas guante guantes
    calcetin calcetines media medias ojota ojotas sandalia sandalias chancla chanclas lente
    lentes anteojos pantalon pantalones tenis aretes
""".split())
"""Things that come in pairs: `un par de zapatos` is one pair, `un par de latas` two cans."""

SPANISH_NUMBER_WORDS: frozenset[str] = frozenset(
    "uno dos tres cuatro cinco seis siete ocho nueve diez doce trece catorce quince dieciseis "
    "diecisiete dieciocho diecinueve veinte treinta cuarenta cincuenta sesenta setenta ochenta "
    "noventa cien medio media un una veintiun veintiuno veintidos veintitres veinticuatro "
    "veinticinco veintiseis veintisiete veintiocho veintinueve".split())
"""The Spanish ones among NUMBER_WORDS (evidence of a Spanish message)."""

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
    meses mes week-old old th st nd rd am pm full empty lleno llena vacio vacia flight flights
    floor floors stair stairs block blocks cuadra cuadras mile miles km
""".split())
"""Words after a number that make it a specification, not a count (`2 kW generator`,
`12 volt`, `5 years`, `10 ft ladder`): the number stays in the item."""

LABEL_WORDS: frozenset[str] = frozenset(
    "size sizes sz talla tallas talle talles age edad no nr num number numero model modelo apt apartment depto "
    "house casa lot lote unit-no # route ruta bus linea line room cuarto ward etapa stage".split())
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
