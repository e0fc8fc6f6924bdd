"""Pieces of template context shared by the document kinds (Bericht, Kontakt, Kreis, Lenkungsgruppe,
Projekt, Beteiligte, Projektgruppe, Unterschriften, Dokument)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable

from .. import schema
from ..german import datum, datum_lang, identifier, monat_jahr
from ..model import IKZData, Participation, Project
from .kommunen import (
    adressierung,
    beteiligte_text,
    der_kreis,
    genitiv,
    kommunen_in_order,
    kreis_name,
    mit_kreis,
    rollen_text,
    safe_kommune,
    signature_line,
)
from .projekte import (
    listen_zusatz,
    participant_keys,
    projekt_kurztitel,
    projekt_titel,
    projekt_zeitraum,
)
from .text import aufzaehlung, clean, clean_rich, zahlwort


def bericht_ctx(data: IKZData) -> dict:
    b = data.bericht
    start = b.bis.year - b.nummer
    return {
        "nummer": b.nummer,
        "titel": (
            f"{b.nummer}. Zwischenbericht zum Sachstand des kreisweiten Prozesses der interkommunalen "
            f"Zusammenarbeit im {kreis_name(data)}"
        ),
        "kurztitel": f"{b.nummer}. IKZ-Zwischenbericht {b.jahr}",
        "jahr": str(b.jahr),
        "vorjahr": str(b.jahr - 1),
        "startjahr": str(start),
        "von": datum(b.von),
        "bis": datum(b.bis),
        "stand": monat_jahr(b.stand),
        "stand_datum": datum(b.stand),
        "stand_lang": datum_lang(b.stand),
        "zeitraum": f"{monat_jahr(b.von)} bis {monat_jahr(b.bis)}",
        "zeitraum_kurz": f"{monat_jahr(b.von)} – {monat_jahr(b.bis)}",
        "zeitraum_datum": f"{datum(b.von)} – {datum(b.bis)}",
        "herausgeber": clean(b.herausgeber),
        "ansprechpartner": clean(b.ansprechpartner),
        "ziel_projekte": zahlwort(b.ziel_projekte) if b.ziel_projekte else "",
    }


def kontakt_ctx(data: IKZData) -> dict:
    b = data.bericht
    zeilen = [
        " – ".join(x for x in (clean(b.ansprechpartner), clean(b.dienststelle)) if x),
        clean(b.stelle),
        " – ".join(x for x in (clean(b.email), clean(b.telefon)) if x),
    ]
    return {
        "name": clean(b.ansprechpartner),
        "dienststelle": clean(b.dienststelle),
        "stelle": clean(b.stelle),
        "email": clean(b.email),
        "telefon": clean(b.telefon),
        "website": clean(b.website),
        "zeilen": [z for z in zeilen if z],
    }


def kreis_ctx(data: IKZData) -> dict:
    k = der_kreis(data)
    n_sg = sum(1 for x in data.kommunen if not x.is_kreis)
    name = clean(k.name) if k else ""
    return {
        "name": name or "Kreis",
        "genitiv": genitiv(k) if k else "",
        "anzahl_kommunen": str(len(data.kommunen)),
        "anzahl_staedte_gemeinden": str(n_sg),
        "zusammensetzung": mit_kreis(n_sg, name or None).replace(" und der ", " und ", 1)
        if name else f"{n_sg} Städte und Gemeinden",
    }


def lenkungsgruppe_ctx(data: IKZData) -> dict:
    gruppen: list[dict] = []
    index: dict[str, dict] = {}
    leitung = ""
    for m in data.lenkungsgruppe:
        k = safe_kommune(data, m.kommune)
        if k is None:
            ort = clean(m.kommune)
        elif k.is_kreis:
            ort = clean(k.name)
        elif m.zusatz:
            ort = f"{clean(m.zusatz)} {clean(k.name)}"
        else:
            ort = clean(k.sitz) or clean(k.name)
        eintrag = f"{clean(m.name)}, {ort}" if ort else clean(m.name)
        funktion = clean(m.funktion)
        if funktion not in index:
            index[funktion] = {"funktion": funktion, "mitglieder": []}
            gruppen.append(index[funktion])
        index[funktion]["mitglieder"].append(eintrag)
        if not leitung and "leitung" in funktion.lower():
            leitung = eintrag
    n = len(data.lenkungsgruppe)
    return {
        "gruppen": gruppen,
        "anzahl": str(n),
        "anzahl_text": zahlwort(n),
        "leitung": leitung or clean(data.bericht.ansprechpartner),
    }


def projekt_ctx(data: IKZData, p: Project) -> dict:
    parent = None
    if p.parent:
        try:
            parent = data.projekt(p.parent)
        except KeyError:
            parent = None
    ctx: dict[str, object] = {
        "id": clean(p.id),
        "titel": projekt_titel(p),
        "kurztitel": projekt_kurztitel(p),
        "art": clean(p.art),
        "status": clean(p.status),
        "start": datum(p.start),
        "ende": datum(p.ende),
        "start_monat": monat_jahr(p.start),
        "zeitraum": projekt_zeitraum(p),
        "zusatz": listen_zusatz(p),
        "einsparung": clean(p.einsparung),
        "uebergeordnet": projekt_titel(parent) if parent else "",
        "folgeprojekte": [folgeprojekt_ctx(data, c) for c in data.children(p.id)],
    }
    for art in schema.PROJEKT_TEXTARTEN:
        ctx[identifier(art)] = clean_rich(p.text(art))
    ctx["ziele"] = bool(ctx["strategisches_ziel"] or ctx["operatives_ziel"])
    return ctx


def folgeprojekt_ctx(data: IKZData, c: Project) -> dict:
    keys = participant_keys(c)
    return {
        "id": clean(c.id),
        "titel": projekt_titel(c),
        "art": clean(c.art),
        "status": clean(c.status),
        "beteiligte": beteiligte_text(data, keys) if keys else "",
        "anzahl": str(len(keys)),
        "text": f"{clean(c.art)} „{projekt_titel(c)}“" + (f" ({len(keys)} Kreiskommunen)" if keys else ""),
        "sachstand": clean_rich(c.text("Sachstand")),
        "ausgangslage": clean_rich(c.text("Ausgangslage")),
        "ausblick": clean_rich(c.text("Ausblick")),
    }


def _beteiligte(data: IKZData, p: Project) -> dict:
    parts = {x.kommune: x for x in p.participants}
    kommunen = kommunen_in_order(data, parts)
    liste = []
    for k in kommunen:
        x = parts[k.key]
        liste.append({
            "key": clean(k.key),
            "name": clean(k.name),
            "rolle": clean(x.rolle),
            "rolle_text": schema.ROLLEN_TEXT.get(x.rolle or "", "ohne Vertretung in der Projektgruppe"),
            "lkg": x.lkg,
            "vertreter": clean(x.vertreter) or ("noch nicht benannt" if x.rolle else ""),
            "zelle": rollen_text(x),
        })
    ohne = [str(e["name"]) for e in liste if not e["rolle"]]
    return {
        "anzahl": str(len(kommunen)),
        "anzahl_text": beteiligte_text(data, parts) if kommunen else "",
        "namen": aufzaehlung(k.key for k in kommunen),
        "liste": liste,
        "ohne_vertretung": aufzaehlung(ohne),
        "ohne_vertretung_anzahl": len(ohne),
    }


def _projektgruppe(data: IKZData, p: Project) -> tuple[list[dict], list[dict]]:
    leitung, gruppe = [], []
    order = {k.key: i for i, k in enumerate(data.kommunen)}
    members = sorted((x for x in p.participants if x.rolle), key=lambda x: (x.rolle != "PL", order.get(x.kommune, 999)))
    for x in members:
        k = safe_kommune(data, x.kommune)
        entry = {
            "kommune": clean(k.name if k else x.kommune),
            "rolle": clean(x.rolle),
            "rolle_text": schema.ROLLEN_TEXT.get(x.rolle or "", ""),
            "vertreter": clean(x.vertreter) or "noch nicht benannt",
            "lkg": "ja" if x.lkg else "",
        }
        gruppe.append(entry)
        if x.rolle == "PL":
            leitung.append(entry)
    return leitung, gruppe


def unterschriften_ctx(data: IKZData, p: Project,
                       recorded: Callable[[Participation], dt.date | None]) -> list[dict]:
    """The signature lines of `p`'s participants; `recorded`: the date the workbook records for a signature
    (the signing rule's column)."""
    result = []
    parts = {x.kommune: x for x in p.participants}
    for k in kommunen_in_order(data, parts):
        signed = recorded(parts[k.key])
        result.append({
            "kommune": clean(k.name),
            "ort": clean(k.sitz) or clean(k.name),
            "unterzeichner": adressierung(k),
            "beschriftung": signature_line(k),
            "unterzeichnet": datum(signed),
            # signed already: the date on the line, a note where the signature goes, and no empty signature
            # field (plan.py); else both left blank for hand or field
            "datum": datum(signed) if signed else "",
            "vermerk": f"unterzeichnet am {datum(signed)}" if signed else "",
        })
    return result


def dokument_ctx(data: IKZData, art: str, titel: str, untertitel: str, kopfzeile: str, stand: str) -> dict:
    return {
        "art": art,
        "titel": titel,
        "untertitel": untertitel,
        "kopfzeile": kopfzeile,
        "stand": stand,
        "autor": clean(data.bericht.herausgeber),
        "betreff": f"Interkommunale Zusammenarbeit (IKZ) im {kreis_name(data)}",
        "herausgeber": clean(data.bericht.herausgeber),
    }


def projekt_common(data: IKZData, p: Project) -> dict:
    leitung, gruppe = _projektgruppe(data, p)
    return {
        "projekt": projekt_ctx(data, p),
        "beteiligte": _beteiligte(data, p),
        "projektleitung": leitung,
        "projektleitung_text": aufzaehlung(e["kommune"] for e in leitung) or "wird in der Projektgruppe festgelegt",
        "projektgruppe": gruppe,
        "lenkungsgruppe": lenkungsgruppe_ctx(data),
        "kreis": kreis_ctx(data),
        "kontakt": kontakt_ctx(data),
        "bericht": bericht_ctx(data),
    }
