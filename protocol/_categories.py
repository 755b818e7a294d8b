"""The category keyword tables, in English and Spanish, and the keyword reading of an
item's category (SPEC §5): strong words, the first keyword or phrase, weak words, and
one typo away. The item's head noun (items.py) decides first; this is the fallback.
"""

from __future__ import annotations

from rapidfuzz.distance import OSA

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


CATEGORY_KEYWORDS, _SINGLE_KEYWORDS, _PHRASES_BY_FIRST, CATEGORY_LANGUAGE_WORDS = _keyword_tables()
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
        found |= {_SINGLE_KEYWORDS[c] for c in candidates if OSA.distance(word, c, score_cutoff=1) <= 1}
        if found:
            break
    return found.pop() if len(found) == 1 else None
