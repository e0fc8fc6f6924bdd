"""Fördermittel: the German sentence for each item (who granted what, for what)."""

from __future__ import annotations

from ..german import betrag
from ..markup import Block, RichText, Run
from ..model import Funding
from .text import clean, clean_rich

_ARTIKEL_GEBER = (
    ("Land ", "das"), ("Bund ", "der"), ("Bund", "der"), ("Bundesministerium", "das"), ("Ministerium", "das"),
    ("Hessische Ministerium", "das"), ("Europäische Union", "die"), ("EU", "die"), ("Kreis ", "der"),
    ("Stiftung", "die"), ("Bundesamt", "das"), ("Landesamt", "das"),
)


_BEI = {"das": "beim", "der": "beim", "die": "bei der"}


_VOM = {"das": "vom", "der": "vom", "die": "von der"}


def _geber_artikel(geber: str) -> str | None:
    for prefix, art in _ARTIKEL_GEBER:
        if geber == prefix.strip() or geber.startswith(prefix):
            return art
    return None


def funding_text(f: Funding) -> RichText:
    """The paragraph on one Fördermittel item: a sentence made from the
    fields (status, giver, amount, purpose), followed by its Erläuterung."""
    geber = clean(f.geber).strip()
    art = _geber_artikel(geber)
    zweck = clean(f.zweck).strip()
    summe = betrag(f.betrag)
    if f.status == "bewilligt":
        wer = f"{art} {geber}" if art else f"der Fördermittelgeber {geber}"
        runs = [Run(f"Im Berichtszeitraum hat {wer} "), Run("IKZ-Fördermittel", True),
                Run(f" in Höhe von {summe} für das Vorhaben „"), Run(zweck, True), Run("“ bewilligt.")]
    elif f.status == "beantragt":
        bei = f"{_BEI[art]} {geber}" if art else f"beim Fördermittelgeber {geber}"
        runs = [Run("Im Berichtszeitraum wurden "), Run("IKZ-Fördermittel", True),
                Run(f" in Höhe von {summe} für das Vorhaben „"), Run(zweck, True), Run(f"“ {bei} beantragt.")]
    else:  # Verwendungsnachweis geführt
        von = f"{_VOM[art]} {geber}" if art else f"von {geber}"
        runs = [Run("Für das Vorhaben „"), Run(zweck, True),
                Run(f"“ konnte im Berichtszeitraum erfolgreich der Verwendungsnachweis für die {f.jahr} {von} "
                    f"erhaltenen IKZ-Fördermittel in Höhe von {summe} geführt werden (= Nachweis des "
                    "Effizienzgewinns).")]
    runs = [r for r in runs if r.text]
    extra = clean_rich(f.text)
    blocks = list(extra.blocks)
    if blocks and not blocks[0].bullet:
        first = Block(tuple(runs) + (Run(" "),) + blocks[0].runs)
        blocks = [first] + blocks[1:]
    else:
        blocks = [Block(tuple(runs))] + blocks
    return RichText(tuple(blocks))


def foerder_ctx(f: Funding) -> dict:
    return {
        "zweck": clean(f.zweck),
        "geber": clean(f.geber),
        "betrag": betrag(f.betrag),
        "jahr": str(f.jahr),
        "status": clean(f.status),
        "text": funding_text(f),
    }
