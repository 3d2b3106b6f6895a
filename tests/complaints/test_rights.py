"""The rights engine, from the law: which withdrawal right a consumer has, counted from the day
after delivery, with its exceptions and the EU and UK twelve-month extension. Every expected
value below is written out by hand from the provisions (docs/rights.md), never read from
complaints.rights."""

from __future__ import annotations

from datetime import date

import pytest

from complaints.rights import Facts, add_months, rights_for

DELIVERED = date(2026, 12, 1)


def _one(country, *, delivered_on=DELIVERED, informed="yes", exception="none", today=None):
    facts = Facts(
        consumer_country=country, delivered_on=delivered_on, informed=informed, exception=exception
    )
    (right,) = rights_for(facts, today=today or delivered_on or DELIVERED)
    return right


# --- which right, by the consumer's country of residence ----------------------------------


@pytest.mark.parametrize(
    ("country", "code"),
    [
        ("CN", "cn_seven_day_return"),
        ("cn", "cn_seven_day_return"),
        # EU member states, first and last in the protocol order, and the smallest
        ("BE", "eu_fourteen_day_withdrawal"),
        ("DE", "eu_fourteen_day_withdrawal"),
        ("FR", "eu_fourteen_day_withdrawal"),
        ("MT", "eu_fourteen_day_withdrawal"),
        ("SE", "eu_fourteen_day_withdrawal"),
        ("DK", "eu_fourteen_day_withdrawal"),
        ("IE", "eu_fourteen_day_withdrawal"),
        # EEA states outside the EU
        ("IS", "eu_fourteen_day_withdrawal"),
        ("LI", "eu_fourteen_day_withdrawal"),
        ("NO", "eu_fourteen_day_withdrawal"),
        ("GB", "uk_fourteen_day_cancellation"),
        # Neither EU nor EEA: Switzerland, and territories with their own consumer law
        ("CH", "no_statutory_withdrawal_known"),
        ("HK", "no_statutory_withdrawal_known"),
        ("US", "no_statutory_withdrawal_known"),
        ("JP", "no_statutory_withdrawal_known"),
        # Unknown or missing: the general answer, never an error
        ("XX", "no_statutory_withdrawal_known"),
        ("", "no_statutory_withdrawal_known"),
    ],
)
def test_the_consumers_country_picks_the_right(country, code):
    assert _one(country).code == code


def test_elsewhere_the_merchants_own_policy_applies():
    right = _one("US")

    assert right.status == "none"
    assert right.deadline is None
    assert "merchant's own return policy applies" in str(right.remedy)


# --- the deadline: counted from the day after delivery -------------------------------------


@pytest.mark.parametrize(
    ("country", "informed", "deadline", "if_not_informed"),
    [
        # CRPL art. 25: seven days; delivered 1 December, days 2-8 December
        ("CN", "yes", date(2026, 12, 8), None),
        ("CN", "no", date(2026, 12, 8), None),  # no extension in Chinese law
        ("CN", "not_sure", date(2026, 12, 8), None),
        # Directive 2011/83/EU art. 9: fourteen days, 2-15 December; art. 10: twelve months
        # after the end of those fourteen days when the trader did not inform
        ("DE", "yes", date(2026, 12, 15), None),
        ("DE", "no", date(2027, 12, 15), None),
        ("DE", "not_sure", date(2026, 12, 15), date(2027, 12, 15)),
        ("DE", "", date(2026, 12, 15), date(2027, 12, 15)),
        # Consumer Contracts Regulations 2013 regs. 30-31: the same periods
        ("GB", "yes", date(2026, 12, 15), None),
        ("GB", "no", date(2027, 12, 15), None),
        ("GB", "not_sure", date(2026, 12, 15), date(2027, 12, 15)),
    ],
)
def test_the_deadline_counts_from_the_day_after_delivery(
    country, informed, deadline, if_not_informed
):
    right = _one(country, informed=informed)

    assert right.deadline == deadline
    assert right.deadline_if_not_informed == if_not_informed


@pytest.mark.parametrize(
    ("country", "informed", "today", "status"),
    [
        ("CN", "yes", date(2026, 12, 1), "open"),  # the day of delivery
        ("CN", "yes", date(2026, 12, 8), "open"),  # day 7, the last day, included
        ("CN", "yes", date(2026, 12, 9), "expired"),  # day 8
        ("DE", "yes", date(2026, 12, 15), "open"),  # day 14
        ("DE", "yes", date(2026, 12, 16), "expired"),  # day 15
        ("GB", "yes", date(2026, 12, 15), "open"),
        ("GB", "yes", date(2026, 12, 16), "expired"),
        ("DE", "no", date(2026, 12, 16), "open"),  # the extension runs
        ("DE", "no", date(2027, 12, 15), "open"),  # its last day
        ("DE", "no", date(2027, 12, 16), "expired"),
        ("GB", "no", date(2027, 12, 16), "expired"),
    ],
)
def test_a_right_is_open_until_its_last_day_included(country, informed, today, status):
    assert _one(country, informed=informed, today=today).status == status


def test_the_extension_ends_on_the_months_last_day_when_it_has_no_such_day():
    # Delivered 15 February 2028: the fourteen days end on 29 February (a leap year); twelve
    # months later February has 28 days.
    right = _one("FR", delivered_on=date(2028, 2, 15), informed="no")

    assert right.deadline == date(2029, 2, 28)


@pytest.mark.parametrize(
    ("day", "months", "expected"),
    [
        (date(2026, 12, 15), 12, date(2027, 12, 15)),
        (date(2027, 1, 31), 1, date(2027, 2, 28)),
        (date(2028, 1, 31), 1, date(2028, 2, 29)),
        (date(2026, 11, 30), 3, date(2027, 2, 28)),
        (date(2026, 12, 31), 12, date(2027, 12, 31)),
    ],
)
def test_adding_months(day, months, expected):
    assert add_months(day, months) == expected


def test_a_period_counted_from_delivery_has_not_started_before_delivery():
    for country in ("CN", "DE", "GB"):
        right = _one(country, delivered_on=None, today=DELIVERED)

        assert right.status == "not_started"
        assert right.deadline is None
        assert "not started" in str(right.note)


# --- the exceptions, per family ------------------------------------------------------------

# "x": the law excludes the right for these goods; "-": the right stays.
EXCEPTIONS = {
    #                             China  EU/EEA  UK
    "none": ("-", "-", "-"),
    "made_to_order": ("x", "x", "x"),  # CRPL 25(1)(1); CRD 16(c); CCR reg. 28
    "perishable": ("x", "x", "x"),  # CRPL 25(1)(2); CRD 16(d); CCR reg. 28
    "unsealed_media": ("x", "x", "x"),  # CRPL 25(1)(3); CRD 16(i); CCR reg. 28
    "newspapers": ("x", "x", "x"),  # CRPL 25(1)(4); CRD 16(j); CCR reg. 28
    "unsealed_hygiene": ("-", "x", "x"),  # not in CRPL 25's list; CRD 16(e); CCR reg. 28
    # CRPL 25 para. 2; no such exception in the Directive or the Regulations, whose rights a
    # contract cannot take away
    "confirmed_not_returnable": ("x", "-", "-"),
}


@pytest.mark.parametrize("exception", sorted(EXCEPTIONS))
@pytest.mark.parametrize(("column", "country"), [(0, "CN"), (1, "DE"), (2, "GB")])
def test_the_exceptions_of_each_family(exception, column, country):
    right = _one(country, exception=exception)

    if EXCEPTIONS[exception][column] == "x":
        assert right.status == "excluded"
        assert right.deadline is None
        assert right.note  # the provision, cited
    else:
        assert right.status == "open"
        assert right.deadline is not None


def test_exceptions_do_not_matter_where_no_statutory_right_is_known():
    for exception in EXCEPTIONS:
        assert _one("US", exception=exception).status == "none"


def test_each_right_cites_its_legal_basis_and_an_official_source():
    expected = {
        "CN": ("Consumer Rights Protection Law of the PRC, art. 25", "https://flk.npc.gov.cn/"),
        "DE": ("2011/83/EU", "https://eur-lex.europa.eu/eli/dir/2011/83/oj"),
        "GB": ("Regulations 2013", "https://www.legislation.gov.uk/uksi/2013/3134/contents"),
    }
    for country, (basis, source) in expected.items():
        right = _one(country)

        assert basis in str(right.legal_basis)
        assert right.source_url == source


# --- every state, by hand ------------------------------------------------------------------

# The 27 member states of the European Union (ISO 3166-1 alpha-2; Greece is "GR") and the
# three EEA states outside it, where Directive 2011/83/EU applies (EEA Joint Committee Decision
# No 181/2012).
EU_MEMBER_STATES = (
    "AT", "BE", "BG", "HR", "CY", "CZ", "DK", "EE", "FI", "FR", "DE", "GR", "HU", "IE",
    "IT", "LV", "LT", "LU", "MT", "NL", "PL", "PT", "RO", "SK", "SI", "ES", "SE",
)  # fmt: skip
EEA_OUTSIDE_EU = ("IS", "LI", "NO")
# European countries outside both: the Directive does not apply there.
NEITHER = ("CH", "GB", "TR", "RS", "UA", "AL", "AD", "MC", "SM", "VA", "BA", "ME", "MK", "MD")


def test_every_member_state_and_eea_state_has_the_fourteen_day_withdrawal():
    assert len(EU_MEMBER_STATES) == 27
    for country in (*EU_MEMBER_STATES, *EEA_OUTSIDE_EU):
        right = _one(country)
        assert (right.code, right.family) == ("eu_fourteen_day_withdrawal", "eu_eea"), country


def test_no_european_country_outside_the_eu_and_eea_gets_the_directive():
    for country in NEITHER:
        assert _one(country).family != "eu_eea", country
    assert _one("GB").family == "uk"
    assert _one("CN").family == "china"
    assert _one("CH").family == "general"
    assert _one("EL").family == "general"  # the EU's own code for Greece is not ISO 3166


# The provision each exclusion cites, per family (the note the consumer reads).
EXCLUSION_CITES = {
    "CN": {
        "made_to_order": "CRPL art. 25(1)(1)",
        "perishable": "CRPL art. 25(1)(2)",
        "unsealed_media": "CRPL art. 25(1)(3)",
        "newspapers": "CRPL art. 25(1)(4)",
        "confirmed_not_returnable": "CRPL art. 25(2)",
    },
    "DE": {
        "made_to_order": "Directive 2011/83/EU art. 16(c)",
        "perishable": "Directive 2011/83/EU art. 16(d)",
        "unsealed_hygiene": "Directive 2011/83/EU art. 16(e)",
        "unsealed_media": "Directive 2011/83/EU art. 16(i)",
        "newspapers": "Directive 2011/83/EU art. 16(j)",
    },
    "GB": {
        "made_to_order": "Consumer Contracts Regulations 2013 reg. 28",
        "perishable": "Consumer Contracts Regulations 2013 reg. 28",
        "unsealed_hygiene": "Consumer Contracts Regulations 2013 reg. 28",
        "unsealed_media": "Consumer Contracts Regulations 2013 reg. 28",
        "newspapers": "Consumer Contracts Regulations 2013 reg. 28",
    },
}


@pytest.mark.parametrize(
    ("country", "exception"),
    [(c, e) for c, cites in EXCLUSION_CITES.items() for e in cites],
)
def test_an_exclusion_cites_its_provision(country, exception):
    note = str(_one(country, exception=exception).note)
    assert note.startswith(EXCLUSION_CITES[country][exception] + ":")


def test_each_family_has_its_period_and_extension():
    # (days counted after delivery, months added if the seller did not inform the consumer)
    # CRPL art. 25: 7 days, no extension; CRD arts. 9-10 and CCR regs. 30-31: 14 days, 12 months.
    delivered = date(2026, 3, 1)
    expected = {
        "CN": (date(2026, 3, 8), date(2026, 3, 8)),
        "FR": (date(2026, 3, 15), date(2027, 3, 15)),
        "GB": (date(2026, 3, 15), date(2027, 3, 15)),
    }
    for country, (informed, not_informed) in expected.items():
        assert _one(country, delivered_on=delivered, informed="yes").deadline == informed
        assert _one(country, delivered_on=delivered, informed="no").deadline == not_informed


def test_the_rights_method_has_a_version():
    from complaints.rights import METHOD_VERSION

    assert METHOD_VERSION == "rights-2026.1"


# --- what is not known stays empty -----------------------------------------------------------


def test_where_no_right_is_known_no_basis_or_source_is_invented():
    right = _one("US")
    assert (right.family, right.status) == ("general", "none")
    assert (right.action, right.legal_basis, right.source_url) == ("", "", "")
    assert right.deadline is None and right.deadline_if_not_informed is None


def test_an_open_right_has_no_note():
    assert _one("DE").note == ""


def test_facts_not_given_mean_not_said_and_no_exception():
    facts = Facts(consumer_country="DE", delivered_on=None)
    assert (facts.informed, facts.exception) == ("", "none")


def test_facts_rights_and_rules_are_values():
    import dataclasses

    from complaints.rights import RULES

    with pytest.raises(dataclasses.FrozenInstanceError):
        Facts(consumer_country="DE", delivered_on=None).consumer_country = "FR"
    with pytest.raises(dataclasses.FrozenInstanceError):
        _one("DE").status = "expired"
    with pytest.raises(dataclasses.FrozenInstanceError):
        next(iter(RULES.values())).days = 30


@pytest.mark.parametrize(
    ("day", "months", "expected"),
    [
        (date(2026, 12, 15), 1, date(2027, 1, 15)),  # into the next year
        (date(2026, 1, 31), 13, date(2027, 2, 28)),  # a year and a month, to a shorter month
        (date(2026, 12, 31), 12, date(2027, 12, 31)),
        (date(2027, 11, 30), 3, date(2028, 2, 29)),  # a leap year's February
    ],
)
def test_adding_months_across_a_year(day, months, expected):
    assert add_months(day, months) == expected


def test_only_open_rights_are_open():
    from complaints.rights import open_rights

    rights = [_one("DE"), _one("DE", today=date(2027, 6, 1)), _one("DE", exception="perishable")]
    assert [r.status for r in rights] == ["open", "expired", "excluded"]
    assert open_rights(rights) == [rights[0]]


@pytest.mark.parametrize(
    ("country", "delivery"),
    [("DE", ""), ("", "delivered"), ("", "")],
    ids=["no-delivery", "no-country", "neither"],
)
def test_a_complaint_has_no_rights_before_both_answers(country, delivery):
    from types import SimpleNamespace

    from complaints.rights import complaint_rights

    complaint = SimpleNamespace(
        consumer_country=country,
        delivery=delivery,
        delivery_date=DELIVERED,
        seller_informed="yes",
        goods_exception="none",
    )
    assert complaint_rights(complaint, today=DELIVERED) == []


def test_a_complaint_with_both_answers_has_its_right():
    from types import SimpleNamespace

    from complaints.rights import complaint_rights

    complaint = SimpleNamespace(
        consumer_country="DE",
        delivery="delivered",
        delivery_date=DELIVERED,
        seller_informed="yes",
        goods_exception="",
    )
    (right,) = complaint_rights(complaint, today=DELIVERED)
    assert (right.code, right.deadline) == ("eu_fourteen_day_withdrawal", date(2026, 12, 15))
