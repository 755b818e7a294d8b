"""What an item *is*, for matching: a few concept keys that read the same in English and Spanish.

`rice`, `Arroz` and `arroces` all become the key `rice`; `coat`, `jacket` and `chamarra`
become `coat`. Two postings are about the same thing when they share a key, or when
either one names only its category (`food`, `ropa`): someone who needs "food" is
glad of rice. Words that say who or what kind (`kids`, `winter`, `canned`, `size`) are
left out, so `kids shoes` and `kids jacket` do not pair on `kids`.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from protocol.vocab import fold

MAX_KEYS = 6
"""At most this many keys per item (the first words say the most)."""

_WORD = re.compile(r"[^\W\d_]+")

SYNONYMS: tuple[str, ...] = (
    # food
    "rice arroz", "bean frijol habichuela alubia judia poroto", "bread pan loaf bolillo",
    "milk leche", "egg huevo", "flour harina", "sugar azucar", "oil aceite", "salt sal",
    "pasta noodle fideo spaghetti espagueti", "soup sopa caldo", "coffee cafe", "tea",
    "meat carne", "chicken pollo", "fish pescado", "tuna atun", "cheese queso",
    "vegetable veggie verdura legumbre", "fruit fruta", "apple manzana", "banana platano",
    "potato papa patata", "tomato tomate", "onion cebolla", "corn maiz elote",
    "oat oatmeal avena", "lentil lenteja", "chickpea garbanzo", "juice jugo zumo",
    "formula", "cereal", "tortilla", "meal racion",
    # water
    "water agua", "ice hielo", "filter filtro purifier purificador",
    # medical
    "medicine medication meds medicina medicamento remedio", "insulin insulina",
    "bandage venda vendaje gauze gasa curita", "pill pastilla tableta", "inhaler inhalador",
    "crutch muleta", "cane baston", "walker andadera", "wheelchair", "thermometer termometro",
    "syringe jeringa", "mask mascarilla cubrebocas", "glucose glucosa", "vitamin vitamina",
    "antibiotic antibiotico", "painkiller analgesico", "oxygen oxigeno",
    # shelter
    "blanket manta cobija frazada", "tent carpa", "mattress colchon airbed", "pillow almohada",
    "bed cama cot catre", "tarp tarpaulin lona", "room cuarto habitacion bedroom",
    "sheet sabana bedding", "quilt comforter duvet edredon", "couch sofa",
    # clothing
    "coat jacket abrigo chaqueta chamarra chaqueton parka anorak raincoat impermeable",
    "shoe zapato calzado sneaker tenis", "boot bota", "sock calcetin media",
    "shirt camisa tshirt camiseta playera blouse blusa", "pants trousers jeans pantalon",
    "sweater jumper jersey sueter hoodie sudadera", "hat gorro sombrero beanie",
    "glove guante mitten", "scarf bufanda", "dress vestido", "pajamas pijama", "underwear calzones",
    "diaper nappy panal", "uniform uniforme",
    # childcare
    "babysitting babysit babysitter nanny ninera childcare", "crib cuna", "stroller carriola cochecito",
    "toy juguete", "pacifier chupon chupete",
    # transport
    "ride lift aventon raite jalon carpool", "bike bicycle bici bicicleta", "car carro coche auto",
    "truck camion camioneta pickup", "fare pasaje boleto ticket", "delivery entrega",
    # power, tools, repair, communication
    "battery bateria pila", "flashlight torch linterna lamp lampara", "charger cargador",
    "generator generador", "fuel gas gasoline gasolina petrol propane propano",
    "firewood wood lena", "candle vela", "cable cord", "solar panel",
    "drill taladro", "ladder escalera", "hammer martillo", "saw sierra", "shovel pala",
    "wrench llave", "screwdriver desarmador destornillador", "chair silla", "table mesa",
    "phone telefono celular cellphone movil mobile", "radio", "plumber plomero plumbing plomeria",
    "electrician electricista", "carpenter carpintero carpentry carpinteria",
    # hygiene, education
    "soap jabon", "shampoo champu", "toothpaste dentifrico", "toothbrush cepillo",
    "towel toalla", "tissue panuelo", "pad compresa", "tampon", "wipe toallita",
    "tutor tutoring tutoria clase lesson", "book libro", "notebook cuaderno libreta",
    "pencil lapiz pen pluma boligrafo", "backpack mochila",
)
"""One line per concept: its words in English and Spanish, singular (plurals are folded).
The first word names the concept."""

GENERIC_WORDS: frozenset[str] = frozenset("""
    food foods comida comidas alimento alimentos groceries grocery despensa viveres abarrotes
    clothes clothing ropa prenda garment help ayuda stuff thing things cosa cosas supplies supply
    suministro suministros anything something algo whatever item items articulo
    articulos donation donations donacion donaciones misc other otro otros otra otras
""".split())
"""Words that name no particular thing: an item made only of them matches anything in its category."""

STOP_WORDS: frozenset[str] = frozenset("""
    a an the of and or with to in on at for from by my our your his her their this that these those
    some any please pls plz need needs needed want wanted urgent urgently asap today tonight now
    de del la las el los un una unos unas y o con sin en al a para por mi mis tu tus su sus nuestro
    nuestra este esta estos estas ese esa algun alguna algunos algunas favor porfa porfavor urge
    necesito necesita necesitamos quiero hoy ahora
    kid kids child children baby babies infant toddler adult adults men man women woman boy boys girl
    girls family familia person people nino ninos nina ninas bebe bebes adulto adultos hombre mujer
    persona personas gente
    small medium large big little extra xl xxl xs new used old clean warm cold hot fresh frozen dry
    canned tinned winter summer spare free good nice size sz talla pequeno pequena grande mediano
    nuevo nueva usado usada limpio limpia caliente frio fria fresco fresca enlatado enlatada seco
    invierno verano bueno buena gratis
    pack packs bag bags box boxes can cans jar jars bottle bottles piece pieces unit units
    bolsa bolsas caja cajas lata latas frasco frascos botella botellas pieza piezas
""".split())
"""Function words, who-it-is-for words, adjectives and containers: no help in telling items apart."""

_CUT_WORDS = frozenset({"for", "para", "por"})
"""`rice for my kids`: what follows says who it is for, not what it is."""

_IRREGULAR = {
    "loaves": "loaf", "knives": "knife", "leaves": "leaf", "children": "child", "men": "man",
    "women": "woman", "people": "person", "teeth": "tooth", "feet": "foot", "mice": "mouse",
    "shelves": "shelf", "wolves": "wolf", "halves": "half", "scarves": "scarf",
}


def stem(word: str) -> str:
    """A plural-blind stem: `tomatoes`/`tomato` -> `tomato`, `frijoles`/`frijol` -> `frijol`,
    `lápices`/`lápiz` -> `lapic`. Not a word, only the same for both forms of one."""
    word = _IRREGULAR.get(word, word)
    if len(word) > 4 and word.endswith("ies"):
        word = word[:-3] + "y"
    elif len(word) > 3 and word.endswith("s") and not word.endswith(("ss", "us", "is")):
        word = word[:-1]
    if len(word) > 3 and word.endswith("e"):
        word = word[:-1]
    if word.endswith("z"):
        word = word[:-1] + "c"
    return word


def _build_concepts() -> dict[str, str]:
    table: dict[str, str] = {}
    for line in SYNONYMS:
        words = line.split()
        for word in words:
            table.setdefault(stem(fold(word)), words[0])
    return table


CONCEPTS: dict[str, str] = _build_concepts()
"""Stem of any listed word -> the concept it names."""
_GENERIC_STEMS = frozenset(stem(w) for w in GENERIC_WORDS)
_STOP_STEMS = frozenset(stem(w) for w in STOP_WORDS)


@dataclass(frozen=True, slots=True)
class ItemKeys:
    """The keys of one item, and whether it names only its category."""

    keys: frozenset[str]
    generic: bool


def item_keys(item: str) -> ItemKeys:
    """`Arroz para mis niños` -> {rice}; `winter coat size M` -> {coat}; `comida` -> generic."""
    words = _WORD.findall(fold(item))
    for i, word in enumerate(words):
        if i > 0 and word in _CUT_WORDS:
            words = words[:i]
            break
    stems = [stem(w) for w in words if len(w) > 1]
    content = [s for s in stems if s not in _STOP_STEMS]
    specific = [s for s in content if s not in _GENERIC_STEMS]
    if not specific and content:
        return ItemKeys(frozenset(), True)
    keys: list[str] = []
    for s in specific or stems:  # only modifiers (`canned`): they are all there is to go by
        key = CONCEPTS.get(s, s)
        if key not in keys:
            keys.append(key)
    return ItemKeys(frozenset(keys[:MAX_KEYS]), False)


def items_fit(a: ItemKeys, b: ItemKeys) -> bool:
    """Same thing: a shared key, or either names only its category."""
    return a.generic or b.generic or not a.keys.isdisjoint(b.keys)
