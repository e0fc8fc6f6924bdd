"""Which changes after a signature are still »only signatures added«.

The office signs each PDF once; the councils then fill their empty signature
fields in whatever software they have. pyHanko's `DEFAULT_DIFF_POLICY` judges
each later revision, and it rejects three things that real signers do while
changing nothing that anyone can see:

1. **`/M` on the widget.** poppler (Okular) and Acrobat stamp the field's
   widget with its modification date. `/M` is a plain date string in the
   annotation dictionary (ISO 32000-1, 12.5.2); it draws nothing. We add it to
   the keys a signature field may change when it is signed
   (`SigFieldModificationRule(value_update_keys=...)`, a documented parameter).

2. **Object numbers reused from the free list.** The PDF format lets a writer
   give a new object a number that the previous revision does not use (a free
   entry, or a never used one below `/Size`), or re-use a number with the next
   generation (ISO 32000-1, 7.5.4). poppler does both: the signature value at
   a free number, the new appearance stream at `n 1`. pyHanko calls such a
   number "assignable" and treats the new object as a possible overwrite. We
   refine that test (`FreeNumberResolver.is_ref_unassignable`): a number is
   fresh when the signed revision has no object under it *and no reachable
   object refers to it*. The second condition matters: a reference that
   pointed to nothing (null) when the office signed must not gain a meaning
   later. Everything else (the pages, fields and signature objects that did
   exist) keeps pyHanko's full protection, in particular a signature value that
   points to the office's signature object is still rejected.

3. **Unused leftovers at reused numbers.** poppler writes an empty form
   XObject at `n 1` where `n 0` was the field's old appearance, and nothing
   refers to it. pyHanko already ignores such orphans at *new* numbers;
   `ReusedNumberOrphanRule` does the same at reused numbers, but only when no
   object reachable in the new revision refers to that number under any
   generation. So the rule cannot be used to null out content: replacing a
   page's content stream `5 0` by `5 1` leaves the page pointing at `5 0`,
   which makes 5 reachable, and the change stays unexplained.

Everything else is pyHanko's standard policy, unchanged: new or overwritten
content streams, new annotations, changed field labels or rectangles,
appearances drawn into unsigned fields and changed page dictionaries are
unexplained changes, and the earlier signature is reported as no longer
covering the document (see `tests/test_cosign.py` for each case).

Both extension points are documented pyHanko API: a `DiffPolicy` subclass that
hands the rules a view on the old revision, and a `WhitelistRule`. The policy is
composed from pyHanko's own `DEFAULT_DIFF_POLICY` (its rule objects, taken as they
are), not copied, so a pyHanko update that changes its defaults changes ours too;
`tests/test_diff_policy.py` compares the two.
"""

from __future__ import annotations

from collections.abc import Iterable

from pyhanko.pdf_utils import generic
from pyhanko.pdf_utils.reader import HistoricalResolver
from pyhanko.sign.diff_analysis import (
    DEFAULT_DIFF_POLICY,
    FormUpdatingRule,
    ModificationLevel,
    SigFieldModificationRule,
    StandardDiffPolicy,
)
from pyhanko.sign.diff_analysis.rules_api import ReferenceUpdate, WhitelistRule

ADDED_UPDATE_KEYS = frozenset({"/M"})
"""Keys of a signature field's widget that signing may set besides pyHanko's value keys: the date `/M`."""


def _size(resolver: HistoricalResolver) -> int:
    return resolver.reader.xrefs.get_xref_container_info(resolver.revision).size


def _in_use(resolver: HistoricalResolver, ref: generic.Reference) -> bool:
    """The revision holds an object under exactly this number and generation."""
    return resolver.reader.xrefs.get_historical_ref(ref, resolver.revision) is not None


def _reachable_numbers(resolver: HistoricalResolver) -> frozenset[int]:
    """Object numbers referred to from the revision's trailer, directly or indirectly."""
    return frozenset(ref.idnum for ref in resolver.collect_dependencies(resolver.trailer_view))


class FreeNumberResolver(HistoricalResolver):
    """The signed revision, with free object numbers counted as fresh.

    pyHanko's rules ask `is_ref_unassignable(ref)` to decide whether a new
    object can have overwritten something that was signed; the default answer
    is "only numbers at or above `/Size` are fresh". Here a lower number is
    fresh too when the revision neither holds an object under it nor refers to
    it from anything reachable (see the module docstring).
    """

    _reachable: frozenset[int] | None = None

    def is_ref_unassignable(self, ref: generic.Reference) -> bool:
        if super().is_ref_unassignable(ref):
            return True
        if _in_use(self, ref):
            return False
        if self._reachable is None:
            self._reachable = _reachable_numbers(self)
        return ref.idnum not in self._reachable


class ReusedNumberOrphanRule(WhitelistRule):
    """Allow unused objects at re-used numbers that nothing refers to any more.

    An object written in the new revision is let through when (a) its number
    and generation held no object in the signed revision (so nothing signed is
    overwritten in place), (b) its number lies below the signed revision's
    `/Size` (higher numbers are pyHanko's own orphan check), and (c) no object
    reachable in the new revision refers to that number under any generation
    (so it draws nothing and nullifies nothing that is still used).
    """

    def apply(self, old: HistoricalResolver, new: HistoricalResolver) -> Iterable[ReferenceUpdate]:
        size = _size(old)
        reachable: frozenset[int] | None = None
        for ref in new.explicit_refs_in_revision():
            if ref.idnum >= size or _in_use(old, ref):
                continue
            if reachable is None:
                reachable = _reachable_numbers(new)
            if ref.idnum not in reachable:
                yield ReferenceUpdate(ref)


class CosigningDiffPolicy(StandardDiffPolicy):
    """pyHanko's standard policy, hardened for the signers councils really use."""

    def apply(self, old, new, field_mdp_spec=None, doc_mdp=None):
        """Judge `new` against a view of `old` that counts free object numbers as fresh."""
        return super().apply(
            FreeNumberResolver(old.reader, old.revision), new,
            field_mdp_spec=field_mdp_spec, doc_mdp=doc_mdp,
        )


def cosigning_policy(default: StandardDiffPolicy = DEFAULT_DIFF_POLICY) -> CosigningDiffPolicy:
    """pyHanko's default policy as it is (its rule objects and settings, whatever the installed version
    holds), with our two additions composed in: `/M` among the keys signing may set on a signature field,
    and `ReusedNumberOrphanRule`. Raises RuntimeError when the default no longer has the parts we extend
    (a pyHanko change we must look at; a test covers it)."""
    form_rule = default.form_rule
    if form_rule is None or not any(type(r) is SigFieldModificationRule for r in form_rule.field_rules):
        raise RuntimeError("pyHanko's DEFAULT_DIFF_POLICY has no SigFieldModificationRule any more")
    field_rules = [
        SigFieldModificationRule(
            allow_in_place_appearance_stream_changes=r.allow_in_place_appearance_stream_changes,
            always_modifiable=r.always_modifiable, value_update_keys=r.value_update_keys | ADDED_UPDATE_KEYS)
        if type(r) is SigFieldModificationRule else r
        for r in form_rule.field_rules
    ]
    return CosigningDiffPolicy(
        global_rules=[*default.global_rules, ReusedNumberOrphanRule().as_qualified(ModificationLevel.LTA_UPDATES)],
        form_rule=FormUpdatingRule(field_rules=field_rules, ignored_acroform_keys=form_rule.ignored_acroform_keys),
        reject_object_freeing=default.reject_object_freeing,
        ignore_orphaned_objects=default.ignore_orphaned_objects,
        ignore_identical_objects=default.ignore_identical_objects,
    )


COSIGNING_DIFF_POLICY = cosigning_policy()
"""The policy `verify` judges every later revision with: pyHanko's default plus the two additions above."""
