"""A tenant's SLA policy: Annex 2 by default; shorter limits only (Annex 2 §1 note)."""

from __future__ import annotations

import pytest

from chalicelib.shared.errors import RuleViolationError
from chalicelib.sla.policy import SlaPolicy, check_limits


def test_default_is_annex2_and_custom_values_replace_it():
    policy = SlaPolicy("hanoi", {"written_answer_one_unit": 5})
    assert policy.amount("written_answer_one_unit") == 5
    assert policy.amount("written_answer_many_units") == 10
    assert policy.unit("hotline_record_entry") == "minutes" and policy.amount("hotline_record_entry") == 5
    assert policy.limits["fanpage_three_plus_units"] == 3 and "hotline_pickup" not in policy.limits


def test_shorter_and_equal_limits_pass_and_zero_working_days_means_same_day():
    assert check_limits({"written_answer_one_unit": 3, "hotline_relay": 0, "written_answer_many_units": 10}) == {
        "written_answer_one_unit": 3,
        "hotline_relay": 0,
        "written_answer_many_units": 10,
    }


@pytest.mark.parametrize(
    ("limits", "code", "fields"),
    [
        ({"written_answer_one_unit": 8}, "limit_too_long", {"limits.written_answer_one_unit": "too_long"}),
        ({"hotline_record_entry": 6}, "limit_too_long", {"limits.hotline_record_entry": "too_long"}),
        ({"hotline_record_entry": 0}, "limit_too_small", {"limits.hotline_record_entry": "too_small"}),
        ({"fanpage_one_unit": -1}, "limit_too_small", {"limits.fanpage_one_unit": "too_small"}),
        ({"no_such_limit": 1}, "unknown_limit", {"limits.no_such_limit": "unknown"}),
        ({"hotline_pickup": 2}, "limit_not_adjustable", {"limits.hotline_pickup": "not_adjustable"}),
        ({"written_immediate": 0}, "limit_not_adjustable", {"limits.written_immediate": "not_adjustable"}),
        ({"written_intake": 1}, "limit_not_adjustable", {"limits.written_intake": "not_adjustable"}),
    ],
)
def test_refused_limits_name_the_key(limits, code, fields):
    with pytest.raises(RuleViolationError) as error:
        check_limits(limits)
    assert (error.value.code, error.value.fields, error.value.status) == (code, fields, 422)


def test_an_unknown_key_asked_of_a_policy_is_a_rule_violation():
    with pytest.raises(RuleViolationError):
        SlaPolicy("hanoi").amount("nope")
