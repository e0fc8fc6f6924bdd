"""The co-signing diff policy is pyHanko's default policy with two additions, composed, not copied.

If pyHanko changes its default rules, our policy follows; the fingerprint below
makes such a change visible, so that someone reads it against the reasoning in
`pipeline.sign.diff_policy` before it reaches the councils' signatures.
"""

from __future__ import annotations

import pytest
from pyhanko.sign.diff_analysis import (
    DEFAULT_DIFF_POLICY,
    FormUpdatingRule,
    GenericFieldModificationRule,
    SigFieldCreationRule,
    SigFieldModificationRule,
    StandardDiffPolicy,
)

from pipeline.sign.diff_policy import (
    COSIGNING_DIFF_POLICY,
    ReusedNumberOrphanRule,
    cosigning_policy,
)


def fingerprint(policy: StandardDiffPolicy) -> dict:
    """What of a policy decides a verdict: its global rules with their levels, its field rules with the keys
    they let signing change, and its switches."""
    return {
        "global": [(type(q.rule).__name__, q.level.name) if hasattr(q, "rule")  # a rule qualified at one level
                   else (type(q).__name__, sorted(getattr(q, "ignored_keys", ())))  # a rule that qualifies itself
                   for q in policy.global_rules],
        "fields": [(type(r).__name__, sorted(getattr(r, "value_update_keys", ())),
                    getattr(r, "allow_in_place_appearance_stream_changes", None))
                   for r in policy.form_rule.field_rules],
        "ignored_acroform_keys": sorted(policy.form_rule.ignored_acroform_keys),
        "switches": (policy.reject_object_freeing, policy.ignore_orphaned_objects, policy.ignore_identical_objects),
    }


_VALUE_KEYS = ["/AP", "/AS", "/DA", "/F", "/Ff", "/Q", "/Type", "/V"]

REVIEWED_DEFAULT = {
    "global": [("CatalogModificationRule", ["/AcroForm", "/DSS", "/Extensions", "/MarkInfo", "/Metadata", "/Version"]),
               ("DocInfoRule", "LTA_UPDATES"),
               ("XrefStreamRule", "LTA_UPDATES"), ("ObjectStreamRule", "LTA_UPDATES"),
               ("DSSCompareRule", "LTA_UPDATES"), ("MetadataUpdateRule", "LTA_UPDATES")],
    "fields": [("SigFieldCreationRule", [], None),
               ("SigFieldModificationRule", _VALUE_KEYS, True),
               ("GenericFieldModificationRule", _VALUE_KEYS, True)],
    "ignored_acroform_keys": ["/DA", "/DR", "/Fields", "/NeedAppearances", "/Q"],
    "switches": (True, True, True),
}
"""pyHanko 0.38's default policy as `pipeline/sign/diff_policy.py` was reasoned against."""


def test_pyhankos_default_is_the_one_our_reasoning_was_checked_against():
    # A failure here means pyHanko changed its default diff policy: read the change against the module
    # docstring of pipeline/sign/diff_policy.py and the cases in tests/test_cosign.py, then update this.
    assert fingerprint(DEFAULT_DIFF_POLICY) == REVIEWED_DEFAULT


def test_our_policy_is_the_default_plus_exactly_two_additions():
    ours, default = fingerprint(COSIGNING_DIFF_POLICY), fingerprint(DEFAULT_DIFF_POLICY)
    assert ours["global"] == default["global"] + [("ReusedNumberOrphanRule", "LTA_UPDATES")]
    assert COSIGNING_DIFF_POLICY.global_rules[:-1] == DEFAULT_DIFF_POLICY.global_rules  # pyHanko's own objects
    assert isinstance(COSIGNING_DIFF_POLICY.global_rules[-1].rule, ReusedNumberOrphanRule)
    expected_fields = [(name, sorted(set(keys) | {"/M"}) if name == "SigFieldModificationRule" else keys, flag)
                       for name, keys, flag in default["fields"]]
    assert ours["fields"] == expected_fields
    assert ours["ignored_acroform_keys"] == default["ignored_acroform_keys"]
    assert ours["switches"] == default["switches"]


def test_a_default_without_the_rule_we_extend_is_refused():
    changed = StandardDiffPolicy(global_rules=list(DEFAULT_DIFF_POLICY.global_rules), form_rule=FormUpdatingRule(
        field_rules=[SigFieldCreationRule(), GenericFieldModificationRule()]))
    with pytest.raises(RuntimeError, match="SigFieldModificationRule"):
        cosigning_policy(changed)
    # and a default with different keys is extended, not replaced
    wider = StandardDiffPolicy(global_rules=[], form_rule=FormUpdatingRule(
        field_rules=[SigFieldModificationRule(value_update_keys={"/V", "/AP", "/X"})]))
    (rule,) = cosigning_policy(wider).form_rule.field_rules
    assert rule.value_update_keys == {"/V", "/AP", "/X", "/M"}
