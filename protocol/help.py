"""HELP texts, in English and Spanish: the command card in one packet, one line of usage
per verb, and the answer to a person asking for help (`HELP fire at elm`)."""

from __future__ import annotations

from .commands import Help

CARD: dict[str, str] = {
    "en": "Emergency: SOS what @zone. OFFER rice 5kg @elm | NEED insulin !! | "
          "LIST [offers|needs] | MORE | FIND word | MY | TAKE o12 | DONE o12 | CANCEL o12 | MSG m5 | "
          "JOIN name zone | SAFE | HELP verb",
    "es": "Emergencia: SOS qué @zona. OFREZCO arroz 5kg | NECESITO insulina !! | "
          "LISTA [ofertas] | MAS | BUSCAR | MIS | TOMO o12 | HECHO o12 | CANCELAR o12 | NOTA m5 | "
          "UNIRSE nombre zona | BIEN | AYUDA verbo",
}

USAGE: dict[str, dict[str, str]] = {
    "offer": {"en": "OFFER item [qty unit] [@zone] [when] [until]. Ex: OFFER rice 10kg @elm "
                    "until fri. Alias: OFREZCO, TENGO, HAVE, GIVE",
              "es": "OFREZCO cosa [cantidad] [@zona] [cuándo] [hasta]. Ej: OFREZCO arroz 10kg "
                    "@olmo hasta el viernes. También TENGO, DOY"},
    "need": {"en": "NEED item [qty unit] [@zone] [! or !! urgent]. Ex: NEED insulin !! @elm. "
                   "Alias: NECESITO, BUSCO, WANT",
             "es": "NECESITO cosa [cantidad] [@zona] [! o !! urgente]. Ej: NECESITO insulina "
                   "!! @olmo. También BUSCO, QUIERO, OCUPO"},
    "alert": {"en": "ALERT what happened [@zone]: sent to every radio. Ex: ALERT family evicted "
                    "@oak. Also SOS, ALERTA. CANCEL a3 ends it",
              "es": "ALERTA qué pasa [@zona]: llega a todas las radios. Ej: ALERTA familia "
                    "desalojada @roble. También SOS. CANCELAR a3 la termina"},
    "list": {"en": "LIST [offers|needs] [category] [@zone]: open posts, urgent first; MORE "
                   "for the next page. Ex: LIST needs food",
             "es": "LISTA [ofertas|necesidades] [categoría] [@zona]: lo abierto, urgente "
                   "primero; MAS para seguir. Ej: LISTA necesidades comida"},
    "find": {"en": "FIND words [@zone]: open posts naming them; MORE for the next page. "
                   "Ex: FIND blanket",
             "es": "BUSCAR palabras [@zona]: lo abierto que las nombra; MAS para seguir. "
                   "Ej: BUSCAR manta"},
    "my": {"en": "MY: your open posts (* = matched)",
           "es": "MIS: tus publicaciones abiertas (* = emparejada)"},
    "take": {"en": "TAKE id: claim an offer or answer a need; TAKE m5 accepts match m5. Ex: TAKE o12",
             "es": "TOMO id: pides una oferta o respondes a una necesidad; TOMO m5 acepta la pareja m5. Ej: TOMO o12"},
    "done": {"en": "DONE id: it was given or received; closes it. Ex: DONE o12",
             "es": "HECHO id: se entregó o se recibió; la cierra. Ej: HECHO o12"},
    "cancel": {"en": "CANCEL id: withdraw your post or alert. Ex: CANCEL n7",
               "es": "CANCELAR id: retira tu publicación o alerta. Ej: CANCELAR n7"},
    "safe": {"en": "SAFE [note]: tell the committee you are safe",
             "es": "BIEN [nota]: avisa al comité que estás a salvo. También A SALVO"},
    "join": {"en": "JOIN name zone: your name and area. Ex: JOIN Ana elm",
             "es": "UNIRSE nombre zona: tu nombre y tu zona. Ej: UNIRSE Ana olmo"},
    "help": {"en": "HELP [verb]: this card, or one verb. Ex: HELP offer. Alias: ?, AYUDA",
             "es": "AYUDA [verbo]: esta tarjeta, o un verbo. Ej: AYUDA ofrezco. También ?"},
    "more": {"en": "MORE: the next page of your last LIST or FIND (kept 30 min)",
             "es": "MAS: la página siguiente de tu última LISTA o BUSCAR (30 min)"},
    "digest": {"en": "DIGEST: the committee's summary of the board",
               "es": "RESUMEN: el resumen del tablón para el comité"},
    "update": {"en": "UPDATE a3 new words [@zone]: correct your alert; everyone hears it. "
                     "CANCEL a3 ends it",
               "es": "ACTUALIZAR a3 texto nuevo [@zona]: corrige tu alerta; llega a todos. "
                     "CANCELAR a3 la termina"},
    "ok": {"en": "OK a3: you have alert a3, stop repeating it to you. Committee: OK a3 by DM "
                 "sends a resident's alert",
           "es": "OK a3 (o ENTERADO a3): ya tienes la alerta a3, no se te repite. Comité: OK a3 "
                 "por DM envía la alerta de un vecino"},
    "helping": {"en": "HELPING a3 [note]: you are on your way to help with alert a3; its "
                      "sender is told",
                "es": "AYUDANDO a3 [nota]: vas a ayudar con la alerta a3; quien la envió se "
                      "entera"},
    "members": {"en": "MEMBERS: who waits for approval. MEMBERS approve !id, reject !id, role !id "
                      "responder. Committee only, by DM",
                "es": "MIEMBROS: quién espera aprobación. MIEMBROS aprobar !id, rechazar !id, rol !id "
                      "socorrista. Solo el comité, por DM"},
    "msg": {"en": "MSG m5 words: a note to the other side of match m5 (or via o12/n7), held till "
                  "their radio is heard. They answer MSG m5",
            "es": "NOTA m5 texto: una nota para la otra parte de la pareja m5 (o por o12/n7), se "
                  "guarda hasta oír su radio. Responde con NOTA m5"},
    "emergency": {"en": "EMERGENCY ON / EMERGENCY OFF: committee only, by DM: the 12-hour "
                        "redistribution plan. Others: SAFE, NEED, OFFER",
                  "es": "EMERGENCIA ON / EMERGENCIA OFF: solo el comité, por DM: el plan de 12 "
                        "horas. Los demás: BIEN, NECESITO, OFREZCO"},
}

_REQUEST_MAX_BYTES = 70
_NOT_ITEMS = frozenset("me us please pls plz por favor nos porfa".split())


def help_text(topic: str | None, lang: str = "en") -> str:
    """The card, or the usage of a canonical verb (unknown topics get the card)."""
    lang = lang if lang in CARD else "en"
    usage = USAGE.get(topic or "")
    return usage[lang] if usage else CARD[lang]


def help_reply(cmd: Help, told: bool = False) -> str:
    """What to answer a HELP: usage, the card, or, to a person asking for help, what to do
    now. `told` says the committee was told of the request."""
    if not cmd.is_request:
        return help_text(cmd.topic, cmd.lang)
    words = _cut(cmd.request)
    es = cmd.lang == "es"
    told_text = (" El comité ya lo sabe." if es else " The committee is told.") if told else ""
    if cmd.urgency == "critical":
        what = words or ("qué @zona" if es else "what @zone")
        if es:
            return f"¿Peligro ahora? Envía: SOS {what} (llega a todas las radios). Para cosas: NECESITO qué @zona.{told_text}"
        return f"In danger now? Send: SOS {what} (every radio hears it). For supplies: NEED what @zone.{told_text}"
    item = words if words and words.casefold() not in _NOT_ITEMS else ("qué" if es else "what")
    if es:
        return f"Pide a los vecinos: NECESITO {item} @zona. ¿Peligro? SOS qué @zona. Comandos: AYUDA{told_text}"
    return f"Ask your neighbours: NEED {item} @zone. Danger? SOS what @zone. Commands: HELP{told_text}"


def _cut(text: str) -> str:
    data = text.encode("utf-8")
    if len(data) <= _REQUEST_MAX_BYTES:
        return text
    return data[:_REQUEST_MAX_BYTES].decode("utf-8", "ignore").rstrip() + "…"
