"""parse(): one CASES table of real messages and the exact command each must give."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from protocol import (
    ALIASES_BY_VERB, CATEGORIES, PARSERS, VERB_ALIASES, VERBS, Alert, Cancel, Digest, Done,
    Find, Help, Join, ListBoard, More, My, Need, Offer, ParseError, Safe, Take, parse,
)
from protocol import Ack, EmergencyMode, Helping, Update
from protocol import Members, Note
from protocol import Agenda, Vote
from protocol import Cant, Events, Rsvp, Services, Signup, Volunteer
from protocol.vocab import CATEGORY_KEYWORDS, NOT_TYPOS, TYPO_TARGETS, UNITS, category_of, fold

CASES: list[tuple[str, object]] = [
    # --- OFFER: the canonical forms
    ("OFFER 10kg rice @elm", Offer("rice", "food", 10, "kg", "elm")),
    ("offer rice 10 kg @Elm", Offer("rice", "food", 10, "kg", "elm")),
    ("OFFER 10 KGS RICE", Offer("rice", "food", 10, "kg")),
    ("Offer: bread, 6 loaves", Offer("bread", "food", 6, "loaves")),
    ("OFFER 🍞 bread 3", Offer("bread", "food", 3)),
    ("OFFER café 2 bags", Offer("café", "food", 2, "bags")),
    ("OFFER 1.5L water", Offer("water", "water", 1.5, "L")),
    ("OFFER 1,5 litros de leche", Offer("leche", "food", 1.5, "L")),
    ("OFFER 500ml milk", Offer("milk", "food", 500, "ml")),
    ("OFFER 2 lbs beans", Offer("beans", "food", 2, "lb")),
    ("OFFER 5 gallons water", Offer("water", "water", 5, "gal")),
    ("OFFER 12 pcs masks", Offer("masks", "medical", 12, "pcs")),
    ("OFFER 4 jars jam", Offer("jam", "food", 4, "jars")),
    ("OFFER 6 cans of beans", Offer("beans", "food", 6, "cans")),
    ("OFFER 2 boxes diapers", Offer("diapers", "hygiene", 2, "boxes")),
    ("OFFER 3 bottles water", Offer("water", "water", 3, "bottles")),
    ("OFFER 2 hours babysitting", Offer("babysitting", "childcare", 2, "h")),
    ("OFFER 3hrs tutoring @oak", Offer("tutoring", "education", 3, "h", "oak")),
    ("OFFER 10 packs noodles", Offer("noodles", "food", 10, "packs")),
    ("OFFER 20 doses insulin", Offer("insulin", "medical", 20, "doses")),
    ("OFFER 10 meals", Offer("meals", "food", 10)),
    ("OFFER 6 loaves", Offer("loaves", "food", 6)),
    ("OFFER 2 first aid kits", Offer("first aid kits", "medical", 2)),
    ("OFFER x3 blankets", Offer("blankets", "shelter", 3)),
    ("OFFER blankets 3x", Offer("blankets", "shelter", 3)),
    ("OFFER two blankets", Offer("blankets", "shelter", 2)),
    ("OFFER a dozen eggs", Offer("eggs", "food", 12)),
    ("OFFER two dozen eggs", Offer("eggs", "food", 24)),
    ("OFFER half a dozen eggs", Offer("eggs", "food", 6)),
    ("OFFER half a kilo of coffee", Offer("coffee", "food", 0.5, "kg")),
    ("OFFER twenty candles", Offer("candles", "power", 20)),
    ("OFFER generator @pine !", Offer("generator", "power", None, None, "pine", "high")),
    ("OFFER ladder and drill", Offer("ladder and drill", "tools")),
    ("OFFER rides to clinic", Offer("rides to clinic", "transport")),
    ("OFFER plumbing fixes", Offer("plumbing fixes", "repair")),
    ("OFFER moving help, strong hands", Offer("moving help strong hands", "labor")),
    ("OFFER walkie-talkie", Offer("walkie-talkie", "communication")),
    ("OFFER phone charging @elm", Offer("phone charging", "power", place="elm")),
    ("OFFER winter coats size 10", Offer("winter coats size 10", "clothing")),
    ("OFFER spare room #shelter", Offer("spare room", "shelter")),
    ("OFFER lemonade #comida", Offer("lemonade", "food")),
    ("OFFER Something Odd", Offer("something odd", "other")),
    ("o rice 2kg", Offer("rice", "food", 2, "kg")),
    ("ofrezco medio kilo de café @Centro-2", Offer("café", "food", 0.5, "kg", "centro-2")),
    ("tengo cinco kilos de arroz", Offer("arroz", "food", 5, "kg")),
    ("Tengo 3 mantas", Offer("mantas", "shelter", 3)),
    ("ofrecer dos bolsas de pan", Offer("pan", "food", 2, "bags")),
    ("oferta: herramientas", Offer("herramientas", "tools")),
    ("have spare tent", Offer("tent", "shelter")),
    ("give 2 pairs shoes", Offer("shoes", "clothing", 2, "pairs")),
    ("doy clases de inglés", Offer("clases de inglés", "education")),
    ("ofer rice", Offer("rice", "food")),
    ("offre rice", Offer("rice", "food")),
    ("/offer rice", Offer("rice", "food")),
    ("Offer:bread", Offer("bread", "food")),
    ("  OFFER   rice\t\t5kg  ", Offer("rice", "food", 5, "kg")),
    # --- NEED and urgency
    ("NEED insulin !!", Need("insulin", "medical", urgency="critical")),
    ("NEED insulin !", Need("insulin", "medical", urgency="high")),
    ("NEED insulin!!!", Need("insulin", "medical", urgency="critical")),
    ("Need insulin! @elm", Need("insulin", "medical", place="elm", urgency="high")),
    ("NEED!! insulin", Need("insulin", "medical", urgency="critical")),
    ("NEED insulin urgent", Need("insulin", "medical", urgency="critical")),
    ("NEED insulin ASAP", Need("insulin", "medical", urgency="critical")),
    ("NEED insulin (urgent)", Need("insulin", "medical", urgency="critical")),
    ("NEED emergency blankets", Need("blankets", "shelter", urgency="critical")),
    ("NEED water soon", Need("water", "water", urgency="high")),
    ("URGENT NEED insulin", Need("insulin", "medical", urgency="critical")),
    ("!! need water @oak", Need("water", "water", place="oak", urgency="critical")),
    ("need: 3 kids jackets size 8", Need("kids jackets size 8", "clothing", 3)),
    ("NEED ride for one person @oak", Need("ride", "transport", 1, "people", "oak")),
    ("NEED food for 4 people", Need("food", "food", 4, "people")),
    ("NEED shelter 2 nights", Need("shelter", "shelter", 2, "nights")),
    ("NEED sleeping bags", Need("sleeping bags", "shelter")),
    ("NEED car seat", Need("car seat", "childcare")),
    ("NEED batteries AA", Need("batteries aa", "power")),
    ("NEED soap, pads", Need("soap pads", "hygiene")),
    ("NEED radio", Need("radio", "communication")),
    ("NEED someone to fix roof", Need("someone to fix roof", "repair")),
    ("n water", Need("water", "water")),
    ("necesito una docena de huevos @olmo", Need("huevos", "food", 12, place="olmo")),
    ("necesito insulina urgente", Need("insulina", "medical", urgency="critical")),
    ("Necesito pañales talla 3", Need("pañales talla 3", "hygiene")),
    ("necesito 2 chaquetas para niños talla 8", Need("chaquetas para niños talla 8", "clothing", 2)),
    ("necesito papel higiénico 4 rollos", Need("papel higiénico", "hygiene", 4, "rolls")),
    ("necesito pasta de dientes", Need("pasta de dientes", "hygiene")),
    ("necesito tres litros de agua !", Need("agua", "water", 3, "L", urgency="high")),
    ("busco ayuda con mudanza", Need("ayuda con mudanza", "labor")),
    ("busco un par de zapatos", Need("zapatos", "clothing", 1, "pairs")),
    ("want a lift to town", Need("lift to town", "transport")),
    ("quiero cuatro velas", Need("velas", "power", 4)),
    ("¡NECESITO agua!", Need("agua", "water", urgency="high")),
    ("¡necesito agua ya!!", Need("agua ya", "water", urgency="critical")),
    ("NEED !insulin!", Need("insulin", "medical", urgency="critical")),
    ("nede water", Need("water", "water")),
    ("neeed insulin", Need("insulin", "medical")),
    ("nesesito agua", Need("agua", "water")),
    # --- ALERT
    ("ALERT family evicted @oak", Alert("family evicted", "oak")),
    ("alert Family evicted, 2 kids @Oak!", Alert("Family evicted, 2 kids", "oak")),
    ("SOS fire near school", Alert("fire near school")),
    ("SOS!! fire @elm", Alert("fire", "elm")),
    ("SOS 🔥 @oak", Alert("🔥", "oak")),
    ("emergency: flooding @river-side", Alert("flooding", "river-side")),
    ("EMERGENCIA inundación @centro", Alert("inundación", "centro")),
    ("alerta desalojo en @pino", Alert("desalojo en", "pino")),
    ("alrt fire", Alert("fire")),
    ("🚨 ALERT gas leak @elm", Alert("gas leak", "elm")),
    ("URGENT: alert gas leak", Alert("gas leak")),
    ("EMERGENCY help fire @elm", Alert("help fire", "elm")),
    # --- LIST
    ("LIST", ListBoard()),
    ("list offers", ListBoard("offer")),
    ("LIST needs food @elm", ListBoard("need", "food", "elm")),
    ("ls medical", ListBoard(category="medical")),
    ("ls n", ListBoard("need")),
    ("list #water", ListBoard(category="water")),
    ("list blankets", ListBoard(category="shelter")),
    ("lista ofertas comida", ListBoard("offer", "food")),
    ("ver necesidades @olmo", ListBoard("need", place="olmo")),
    ("lsit offers", ListBoard("offer")),
    ("list all", ListBoard()),
    # --- FIND
    ("FIND rice @elm", Find("rice", "elm")),
    ("find Baby Formula", Find("baby formula")),
    ("search generator, fuel", Find("generator fuel")),
    ("buscar arroz", Find("arroz")),
    # --- MY
    ("MY", My()),
    ("mine", My()),
    ("mis", My()),
    ("my offers", My()),
    # --- refs
    ("TAKE o12", Take("o12")),
    ("take #O12", Take("o12")),
    ("TAKE o 12", Take("o12")),
    ("take o012", Take("o12")),
    ("claim n7", Take("n7")),
    ("tomo 12", Take("12")),
    ("TAKE o12 thanks!", Take("o12")),
    ("DONE n7", Done("n7")),
    ("done #12", Done("12")),
    ("hecho o3", Done("o3")),
    ("listo A3", Done("a3")),
    ("Done. o4", Done("o4")),
    ("CANCEL o12", Cancel("o12")),
    ("cancelar n5", Cancel("n5")),
    ("borrar a3", Cancel("a3")),
    ("delete o-9", Cancel("o9")),
    # --- SAFE
    ("SAFE", Safe()),
    ("safe at my sister's @oak", Safe("at my sister's @oak")),
    ("bien", Safe()),
    ("a salvo, gracias", Safe("gracias")),
    ("A salvo", Safe()),
    ("estoy bien", Safe()),
    ("todo bien", Safe()),
    # --- JOIN
    ("JOIN Ana @elm", Join("Ana", "elm")),
    ("join Ana elm", Join("Ana", "elm")),
    ("JOIN Ana Maria @Elm", Join("Ana Maria", "elm")),
    ("join @oak Bob", Join("Bob", "oak")),
    ("unirse José @centro", Join("José", "centro")),
    ("register Li 4th-street", Join("Li", "4th-street")),
    # --- HELP
    ("HELP", Help()),
    ("help offer", Help("offer")),
    ("HELP ofrezco", Help("offer")),
    ("help sos", Help("alert")),
    ("help banana", Help(request="banana")),
    ("urgent help", Help(urgency="critical")),
    ("help help", Help()),
    ("?", Help()),
    ("??", Help()),
    ("? need", Help("need")),
    ("offer?", Help("offer")),
    ("help?", Help()),
    ("h", Help()),
    ("ayuda", Help()),
    ("Ayúda", Help()),
    ("helo", Help()),
    # --- MORE and DIGEST
    ("MORE", More()),
    ("next", More()),
    ("más", More()),
    ("siguiente", More()),
    ("more please", More()),
    ("DIGEST", Digest()),
    ("resumen", Digest()),
    # --- MEMBERS (the committee's membership desk)
    ("MEMBERS", Members()),
    ("members approve !000000a1", Members("approve", 0xA1)),
    ("MIEMBROS rechazar a1b2c3d4", Members("reject", 0xA1B2C3D4)),
    ("members role !a1 comité", Members("role", 0xA1, "committee")),
    # --- MSG / NOTA: a note relayed to the other side of a match
    ("MSG m3 at 5 by the gate", Note("m3", "at 5 by the gate")),
    ("msg o 12 is it still there?", Note("o12", "is it still there?")),
    ("NOTA n7 voy mañana", Note("n7", "voy mañana", lang="es")),
    ("AGENDA treasury: batteries for the clinic", Agenda("batteries for the clinic", "treasury")),
    ("agenda aid for the flooded street", Agenda("aid for the flooded street", "aid")),
    ("TEMARIO avisos: perros sueltos", Agenda("perros sueltos", "warnings", lang="es")),
    ("VOTE p3 yes", Vote("p3", "yes")),
    ("voto p 3 si", Vote("p3", "yes", lang="es")),
    ("vote #P12 abstain", Vote("p12", "abstain")),
    ("MSG Ana the van comes at 6", Note("Ana", "the van comes at 6")),
    ("MSG !a1b2c3d4 call the committee", Note("!a1b2c3d4", "call the committee")),
    # --- services and events (SPEC §6.6)
    ("SERVICES", Services()),
    ("servicios", Services(lang="es")),
    ("EVENTS", Events()),
    ("eventos", Events(lang="es")),
    ("SIGNUP s3", Signup("s3")),
    ("signup 3", Signup("s3")),
    ("SIGNUP Ana @elm", Join("Ana", "elm")),
    ("APUNTARME s3", Signup("s3", lang="es")),
    ("RSVP e2", Rsvp("e2")),
    ("ASISTO 2", Rsvp("e2", lang="es")),
    ("VOLUNTEER s3 driver", Volunteer("s3", "driver")),
    ("volunteer s3", Volunteer("s3")),
    ("VOLUNTARIO s3 conductor", Volunteer("s3", "driver", lang="es")),
    ("CANT s3", Cant("s3")),
    ("can't s3", Cant("s3")),
    ("no puedo s3", Cant("s3", lang="es")),
    ("DONE s3", Done("s3")),
    # --- alerts: UPDATE, OK, HELPING, and emergency mode
    ("UPDATE a3 family moved to the school @oak", Update("a3", "family moved to the school", "oak")),
    ("update A3: Road Closed", Update("a3", "Road Closed")),
    ("UPDATE 3 fire is out", Update("a3", "fire is out")),
    ("actualizar a 2 ya están en la escuela", Update("a2", "ya están en la escuela")),
    ("OK a3", Ack("a3")),
    ("ok A3 thanks", Ack("a3")),
    ("ok, a 12", Ack("a12")),
    ("ack 4", Ack("a4")),
    ("enterado a3", Ack("a3")),
    ("HELPING a3", Helping("a3")),
    ("helping a3 bringing a first aid kit", Helping("a3", "bringing a first aid kit")),
    ("ayudando a1", Helping("a1")),
    ("EMERGENCY ON", EmergencyMode(True)),
    ("emergency off", EmergencyMode(False)),
    ("EMERGENCIA activar", EmergencyMode(True)),
    ("emergencia fin", EmergencyMode(False)),
    ("EMERGENCY on the river road", Alert("on the river road")),
]


@pytest.mark.parametrize(("text", "expected"), CASES, ids=[c[0] for c in CASES])
def test_parse(text: str, expected: object) -> None:
    assert parse(text) == expected


def test_every_verb_has_a_case_and_a_parser() -> None:
    assert set(PARSERS) == set(VERBS) == set(ALIASES_BY_VERB)
    covered = {type(expected).verb for _, expected in CASES}
    assert covered == set(VERBS)


@pytest.mark.parametrize(("alias", "verb"), sorted(VERB_ALIASES.items()))
def test_every_alias(alias: str, verb: str) -> None:
    """Each alias, in upper and lower case, reaches its verb with typical arguments."""
    args = {"offer": "rice", "need": "rice", "alert": "fire", "find": "rice", "take": "o1",
            "done": "o1", "cancel": "o1", "join": "Ana elm", "update": "a1 fire out", "ok": "a1",
            "helping": "a1", "msg": "m1 see you at 5", "agenda": "aid: rides", "vote": "p1 yes", "signup": "s1",
            "rsvp": "e1", "volunteer": "s1", "cant": "s1"}.get(verb, "")
    for spelled in (alias, alias.upper()):
        result = parse(f"{spelled} {args}".strip())
        assert not isinstance(result, ParseError), (spelled, result)
        assert type(result).verb == verb


@pytest.mark.parametrize(("typo", "verb"), [
    ("ofer", "offer"), ("offfer", "offer"), ("oefer", "offer"), ("nede", "need"),
    ("neeed", "need"), ("alrt", "alert"), ("alret", "alert"), ("lsit", "list"), ("fnid", "find"),
    ("cancle", "cancel"), ("joni", "join"), ("hlep", "help"), ("necesto", "need"),
    ("tkae", "take"), ("dnoe", "done"), ("saef", "safe"), ("ayudaa", "help"),
])
def test_one_typo_on_long_verbs(typo: str, verb: str) -> None:
    assert parse(typo).verb == verb  # a command, or a ParseError about that verb's arguments


@pytest.mark.parametrize("typo", ["myy", "sso", "oo", "nn", "l", "t"])
def test_short_tokens_are_never_guessed(typo: str) -> None:
    result = parse(f"{typo} rice")
    assert isinstance(result, ParseError) and result.code == "unknown_verb"


@pytest.mark.parametrize(("typo", "verb"), [
    ("ned", "need"), ("hlp", "help"), ("lst", "list"), ("fnd", "find"), ("tke", "take"),
])
def test_one_typo_on_three_letter_words(typo: str, verb: str) -> None:
    assert parse(f"{typo} rice").verb == verb


@pytest.mark.parametrize("word", ["one", "don", "doe", "fin", "ore", "nee", "lit", "the", "fix"])
def test_three_letter_words_that_are_words_are_not_corrected(word: str) -> None:
    result = parse(f"{word} rice")
    assert isinstance(result, ParseError) and result.code == "unknown_verb"


@pytest.mark.parametrize("word", sorted(NOT_TYPOS))
def test_common_words_are_not_corrected_into_verbs(word: str) -> None:
    result = parse(f"{word} something")
    assert isinstance(result, ParseError) and result.code == "unknown_verb"


def test_two_edits_are_not_corrected_but_suggested() -> None:
    result = parse("ofrr rice")
    assert isinstance(result, ParseError)
    assert result.code == "unknown_verb" and "OFFER" in result.reply


@pytest.mark.parametrize("text", ["ok", "OK", "ok thanks", "Ok!", "ok 👍"])
def test_a_bare_ok_is_chatter_not_a_command(text: str) -> None:
    """`ok` without an alert id stays what it was before OK became a verb: not a command,
    so on a channel it goes unanswered."""
    result = parse(text)
    assert isinstance(result, ParseError) and result.code == "unknown_verb" and result.verb is None


@pytest.mark.parametrize(("text", "code", "verb"), [
    ("UPDATE", "missing_ref", "update"), ("UPDATE a3", "missing_args", "update"),
    ("UPDATE o3 fire out", "bad_ref", "update"), ("HELPING", "missing_ref", "helping"),
    ("HELPING n7", "bad_ref", "helping"), ("OK o12", "bad_ref", "ok"),
])
def test_alert_verbs_refuse_what_is_not_an_alert_id(text: str, code: str, verb: str) -> None:
    result = parse(text)
    assert isinstance(result, ParseError) and (result.code, result.verb) == (code, verb)
    assert len(result.reply.encode()) <= 200 and "a3" in result.reply


def test_typo_matching_two_verbs_is_not_guessed() -> None:
    result = parse("mone")  # done / more (and mine): one edit from several verbs
    assert isinstance(result, ParseError) and result.code == "unknown_verb"
    assert "DONE" in result.reply


@pytest.mark.parametrize(("text", "quantity"), [
    ("OFFER one apple", 1), ("OFFER two apples", 2), ("OFFER twelve eggs", 12),
    ("OFFER a dozen eggs", 12), ("OFFER dos kilos arroz", 2), ("OFFER cinco latas atún", 5),
    ("OFFER una docena huevos", 12), ("OFFER dos docenas huevos", 24), ("OFFER diez velas", 10),
    ("OFFER veinte velas", 20), ("OFFER 0.25 kg tea", 0.25), ("OFFER 1,5kg rice", 1.5),
])
def test_number_words_and_decimals(text: str, quantity: float) -> None:
    result = parse(text)
    assert isinstance(result, Offer) and result.quantity == quantity


@pytest.mark.parametrize(("written", "unit"), [
    ("kg", "kg"), ("kgs", "kg"), ("kilos", "kg"), ("g", "g"), ("grams", "g"), ("l", "L"),
    ("L", "L"), ("litres", "L"), ("liters", "L"), ("litros", "L"), ("ml", "ml"), ("mL", "ml"),
    ("lb", "lb"), ("lbs", "lb"), ("gal", "gal"), ("pcs", "pcs"), ("pc", "pcs"),
    ("pieces", "pcs"), ("bags", "bags"), ("bolsas", "bags"), ("jars", "jars"),
    ("cans", "cans"), ("latas", "cans"), ("boxes", "boxes"), ("cajas", "boxes"),
    ("bottles", "bottles"), ("hours", "h"), ("h", "h"), ("hrs", "h"), ("horas", "h"),
    ("packs", "packs"), ("doses", "doses"), ("kits", "kits"), ("rolls", "rolls"),
])
def test_units_are_normalised(written: str, unit: str) -> None:
    spaced, glued = parse(f"OFFER 3 {written} stuff"), parse(f"OFFER 3{written} stuff")
    assert spaced == glued == Offer("stuff", "other", 3, unit)


def test_number_without_unit_word_stays_in_the_item() -> None:
    assert parse("OFFER 3rd floor room") == Offer("3rd floor room", "shelter")
    assert parse("OFFER rice 1,000") == Offer("rice", "food", 1000)  # a thousands comma


def test_zone_forms() -> None:
    assert parse("NEED water @Elm_2").place == "elm_2"  # type: ignore[union-attr]
    assert parse("NEED water @ elm").place == "elm"  # type: ignore[union-attr]
    assert parse("NEED water @Olmo,").place == "olmo"  # type: ignore[union-attr]
    first = parse("NEED water @elm @oak")
    assert first == Need("water @oak", "water", place="elm")


def test_item_is_lowercased_alert_and_names_are_not() -> None:
    assert parse("OFFER Fresh BREAD") == Offer("fresh bread", "food")
    assert parse("ALERT Road Closed @elm") == Alert("Road Closed", "elm")
    assert parse("JOIN McKay @elm") == Join("McKay", "elm")


def test_category_table_is_consistent() -> None:
    assert set(CATEGORY_KEYWORDS.values()) == set(CATEGORIES)
    for key in CATEGORY_KEYWORDS:
        assert all(word == fold(word) for word in key), key
    for category in CATEGORIES:
        assert category_of([category]) == category


def test_units_map_to_canonical_forms_only() -> None:
    assert set(UNITS.values()) >= {"kg", "g", "L", "ml", "lb", "gal", "pcs", "h", "loaves"}
    for alias in UNITS:
        assert alias == fold(alias)


def test_not_typos_are_really_one_edit_from_a_verb() -> None:
    from rapidfuzz.distance import OSA

    for word in NOT_TYPOS:
        assert any(OSA.distance(word, a) == 1 for a in TYPO_TARGETS), word


_ROOT = Path(__file__).resolve().parent.parent


def _card_rows() -> list[tuple[str, str, list[str]]]:
    """(language, verb, examples) for each row of the command card's tables."""
    card = (_ROOT / "docs" / "commands.md").read_text(encoding="utf-8")
    rows, lang = [], "en"
    for line in card.splitlines():
        if line.startswith("## En español"):
            lang = "es"
        cells = [c.strip() for c in line.strip().strip("|").split("|")]
        if line.startswith("| ") and len(cells) == 3 and cells[2].lower() in VERBS:
            rows.append((lang, cells[2].lower(), re.findall(r"`([^`]+)`", cells[1])))
    return rows


def test_command_card_is_checked_against_the_spec() -> None:
    """docs/commands.md: every verb in both languages; every example parses as its row's
    verb, in its section's language; every verb word shown is an alias in SPEC §2."""
    rows = _card_rows()
    spec = (_ROOT / "protocol" / "SPEC.md").read_text(encoding="utf-8")
    alias_table = spec[spec.index("## 2. Verbs"):spec.index("### Typos")].casefold()
    for lang in ("en", "es"):
        assert {verb for l, verb, _ in rows if l == lang} == set(VERBS), lang
    for lang, verb, examples in rows:
        assert examples, (lang, verb)
        for example in examples:
            result = parse(example)
            assert result.verb == verb, (example, result)
            if example not in ("?", "SOS fire @oak", "TOMO o12", "HECHO o12"):
                assert result.lang == lang, (example, result)
            first = fold(example.split()[0])
            assert first in VERB_ALIASES or any(p.startswith(first) for p in ALIASES_BY_VERB[verb]), example
            assert first in alias_table, example


def test_spec_lists_every_alias_unit_and_keyword() -> None:
    spec = (_ROOT / "protocol" / "SPEC.md").read_text(encoding="utf-8")
    spec_words = set(re.findall(r"[\w?]+", spec.casefold()))
    for word in [*VERB_ALIASES, *UNITS, *(w for key in CATEGORY_KEYWORDS for w in key)]:
        assert word in spec_words or (not word.isalnum() and word in spec), word
    phrases = [p for aliases in ALIASES_BY_VERB.values() for p in aliases if " " in p]
    for phrase in [*phrases, *(" ".join(k) for k in CATEGORY_KEYWORDS)]:
        assert phrase in spec, phrase


def test_spec_error_replies_are_the_real_ones() -> None:
    spec = (_ROOT / "protocol" / "SPEC.md").read_text(encoding="utf-8")
    for text in ["", "x" * 300, "banana", "ofrr", "OFFER", "ALERT", "TAKE", "TAKE rice", "LIST elm"]:
        reply = parse(text).reply  # type: ignore[union-attr]
        assert f"`{reply.replace('|', chr(92) + '|')}`" in spec, reply
