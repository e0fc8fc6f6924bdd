"""German grammar of Kommunen: articles, genitive, how a Dienststellenleitung is addressed and signs,
»13 der 14 Städte und Gemeinden und der Kreis«."""

from __future__ import annotations

from collections.abc import Iterable

from ..model import IKZData, Kommune, Participation
from .text import clean


def staedte_gemeinden(n: int, gesamt: int) -> str:
    """``13 der 14 Städte und Gemeinden`` (the Kreis is not counted)."""
    if gesamt <= 0:
        return ""
    if n >= gesamt:
        return f"alle {gesamt} Städte und Gemeinden"
    if n == 0:
        return f"keine der {gesamt} Städte und Gemeinden"
    if n == 1:
        return f"eine der {gesamt} Städte und Gemeinden"
    return f"{n} der {gesamt} Städte und Gemeinden"


def mit_kreis(n: int, kreis_name: str | None) -> str:
    """``13 Städte und Gemeinden und der Kreis Musterland``; without a Kreis
    name (the Kreis does not take part) only the Städte und Gemeinden."""
    if n == 0:
        part = ""
    elif n == 1:
        part = "eine Stadt bzw. Gemeinde"
    else:
        part = f"{n} Städte und Gemeinden"
    if kreis_name:
        return f"{part} und der {kreis_name}" if part else f"der {kreis_name}"
    return part


def der_kreis(data: IKZData) -> Kommune | None:
    for k in data.kommunen:
        if k.is_kreis:
            return k
    return None


def beteiligte_text(data: IKZData, keys: Iterable[str]) -> str:
    """``13 der 14 Städte und Gemeinden und der Kreis Musterland`` for the
    participating Kommunen `keys`."""
    keys = set(keys)
    sg = [k for k in data.kommunen if not k.is_kreis]
    n = sum(1 for k in sg if k.key in keys)
    kreis = der_kreis(data)
    kreis_dabei = kreis is not None and kreis.key in keys
    if n == 1 and not kreis_dabei:
        return next(k.name for k in sg if k.key in keys)
    text = staedte_gemeinden(n, len(sg)) if n else ""
    if kreis is not None and kreis_dabei:
        return f"{text} und der {kreis.name}" if text else f"der {kreis.name}"
    return text


def amt_formen(amt: str) -> tuple[str, ...]:
    """The forms of an Amtsbezeichnung: ``Bürgermeister/in`` → (Bürgermeister,
    Bürgermeisterin); ``Landrat/Landrätin`` → (Landrat, Landrätin)."""
    amt = clean(amt).strip()
    if "/" not in amt:
        return (amt,)
    left, right = (s.strip() for s in amt.split("/", 1))
    if right.lower() == "in":
        return (left, left + "in")
    return (left, right)


def _artikel(form: str) -> str:
    return "Die" if form.endswith("in") else "Der"


def genitiv(k: Kommune) -> str:
    """``der Stadt Musterstadt``, ``des Kreises Musterland``."""
    name = clean(k.name)
    first, _, rest = name.partition(" ")
    if first.endswith("kreis") or first.endswith("Kreis"):
        return f"des {first}es {rest}".strip()
    return f"der {name}"


def mit_artikel(k: Kommune, fall: str = "nominativ") -> str:
    """``die Stadt Musterstadt``, ``der Kreis Musterland`` (nominativ) / ``den Kreis Musterland`` (akkusativ)."""
    name = clean(k.name)
    if name.split(" ", 1)[0].lower().endswith("kreis"):
        return f"{'den' if fall == 'akkusativ' else 'der'} {name}"
    return f"die {name}"


def gremium_adresse(k: Kommune) -> str:
    """Addressee line of a council: ``An die Stadtverordnetenversammlung\nder Stadt Musterstadt``."""
    gremium = clean(k.gremium)
    artikel = "den" if gremium.endswith("tag") else "die"
    return f"An {artikel} {gremium}\n{genitiv(k)}"


def adressierung(k: Kommune, fall: str = "nominativ") -> str:
    """How a Kommune's Dienststellenleitung is addressed and named as signer.

    Known office holder: ``Bürgermeisterin Erika Muster, Stadt Musterstadt``.
    Unknown: by office, ``Der Bürgermeister / Die Bürgermeisterin der Stadt
    Musterstadt``; in the middle of a sentence (``fall="akkusativ"``): ``den
    Bürgermeister / die Bürgermeisterin der Stadt Musterstadt``.
    """
    leitung = clean(k.leitung).strip()
    if leitung:
        return f"{clean(k.amt)} {leitung}, {clean(k.name)}"
    formen = amt_formen(k.amt)
    artikel = _artikel if fall == "nominativ" else (lambda f: {"Der": "den", "Die": "die"}[_artikel(f)])
    amt = " / ".join(f"{artikel(f)} {f}" for f in formen)
    return f"{amt} {genitiv(k)}"


def signature_line(k: Kommune) -> str:
    """The label under a Dienststellenleitung's signature line; its empty signature field is placed on it."""
    return f"Unterschrift {clean(k.name)}"


def rollen_text(p: Participation) -> str:
    """Cell text of the participation table: ``X``, ``X (PG)``, ``X (PG, LKG)``."""
    if not p.beteiligt:
        return ""
    extra = [p.rolle] if p.rolle else []
    if p.lkg:
        extra.append("LKG")
    return f"X ({', '.join(extra)})" if extra else "X"


def kreis_name(data: IKZData) -> str:
    """The Kreis's name from the workbook (the Kommune of Art »Kreis«)."""
    k = der_kreis(data)
    return clean(k.name) if k else "Kreis"


def kommunen_in_order(data: IKZData, keys: Iterable[str]) -> list[Kommune]:
    keys = set(keys)
    return [k for k in data.kommunen if k.key in keys]


def safe_kommune(data: IKZData, key: str) -> Kommune | None:
    try:
        return data.kommune(key)
    except KeyError:
        return None
