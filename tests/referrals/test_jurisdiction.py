"""Jurisdiction and applicable law, from the instruments: which row answers a pair of countries,
which country's law probably applies, whose courts are open, and why. Every expected value is
written out by hand from the provisions (docs/jurisdiction.md), never read from
referrals.jurisdiction."""

from __future__ import annotations

import pytest

from referrals.jurisdiction import METHOD_VERSION, explain

# The 27 EU member states, from the treaties (Denmark apart: the Rome Convention row).
EU_BOUND_BY_ROME_I = [
    "AT", "BE", "BG", "HR", "CY", "CZ", "EE", "FI", "FR", "DE", "GR", "HU", "IE", "IT",
    "LV", "LT", "LU", "MT", "NL", "PL", "PT", "RO", "SK", "SI", "ES", "SE",
]  # fmt: skip

YES, NO, UNKNOWN = True, False, None


def _laws(answer):
    return [(law.country, law.when, law.mandatory_rules_of) for law in answer.laws]


def _forums(answer):
    return [(forum.country, forum.status) for forum in answer.forums]


def _notes(answer):
    return " ".join(str(note) for note in answer.notes)


# --- the table, per country pair -------------------------------------------------------------

# (consumer, trader, directed) -> rule, [(law country, when, mandatory rules of)],
# [(forum country, status)]; the consumer's courts first.
PAIRS = [
    # Rome I art. 6(1): the consumer's law; Brussels Ia art. 18(1): both parties' courts.
    ("DE", "FR", YES, "eu_consumer", [("DE", "always", "")], [("DE", "open"), ("FR", "open")]),
    # Rome I art. 4(1)(a): the seller's law; Brussels Ia art. 4(1): the trader's courts only.
    ("DE", "FR", NO, "eu_not_directed", [("FR", "always", "")], [("FR", "open")]),
    (
        "DE",
        "FR",
        UNKNOWN,
        "eu_directed_unknown",
        [("DE", "if_directed", ""), ("FR", "if_not_directed", "")],
        [("DE", "if_directed"), ("FR", "open")],
    ),
    # Brussels Ia art. 18(1) "regardless of the domicile of the other party": a trader in China
    # can be sued in France; its own courts stay open (PRC Civil Procedure Law art. 22).
    ("FR", "CN", YES, "eu_consumer", [("FR", "always", "")], [("FR", "open"), ("CN", "open")]),
    # Not directed and a trader outside the EU: Brussels Ia art. 6(1) leaves French courts to
    # French law.
    (
        "FR",
        "CN",
        NO,
        "eu_not_directed",
        [("CN", "always", "")],
        [("FR", "may_be_open"), ("CN", "open")],
    ),
    ("DK", "US", NO, "denmark", [("US", "always", "")], [("DK", "may_be_open"), ("US", "open")]),
    # Art. 42: the consumer's habitual residence; otherwise the place of provision. Chinese
    # courts: only "may" (Civil Procedure Law art. 276).
    ("CN", "DE", YES, "china", [("CN", "always", "")], [("CN", "may_be_open"), ("DE", "open")]),
    ("CN", "DE", NO, "china", [("DE", "always", "")], [("CN", "may_be_open"), ("DE", "open")]),
    (
        "CN",
        "DE",
        UNKNOWN,
        "china",
        [("CN", "if_directed", ""), ("DE", "if_not_directed", "")],
        [("CN", "may_be_open"), ("DE", "open")],
    ),
    ("CN", "US", YES, "china", [("CN", "always", "")], [("CN", "may_be_open"), ("US", "open")]),
    # No rule known for a consumer in the US: no law named, the trader's courts open.
    ("US", "CN", YES, "general", [("", "always", "")], [("US", "may_be_open"), ("CN", "open")]),
    ("JP", "US", YES, "general", [("", "always", "")], [("JP", "may_be_open"), ("US", "open")]),
    ("JP", "US", NO, "general", [("", "always", "")], [("JP", "may_be_open"), ("US", "open")]),
    # Denmark: the Rome Convention art. 5 for the law, Brussels Ia by the 2005 Agreement.
    ("DK", "DE", YES, "denmark", [("DK", "always", "")], [("DK", "open"), ("DE", "open")]),
    ("DK", "DE", NO, "denmark", [("DE", "always", "")], [("DE", "open")]),
    # A German consumer and a Danish trader: German courts apply Rome I.
    ("DE", "DK", YES, "eu_consumer", [("DE", "always", "")], [("DE", "open"), ("DK", "open")]),
    # Lugano arts. 15-16 for the courts; no shared rule on the law.
    ("NO", "DE", YES, "lugano", [("", "always", "")], [("NO", "open"), ("DE", "open")]),
    ("NO", "DE", NO, "lugano", [("", "always", "")], [("DE", "open")]),
    ("IS", "FR", YES, "lugano", [("", "always", "")], [("IS", "open"), ("FR", "open")]),
    (
        "IS",
        "FR",
        UNKNOWN,
        "lugano",
        [("", "always", "")],
        [("IS", "if_directed"), ("FR", "open")],
    ),
    ("CH", "DE", YES, "lugano", [("", "always", "")], [("CH", "open"), ("DE", "open")]),
    # A Norwegian consumer and a trader outside the Lugano states: the general answer.
    ("NO", "CN", YES, "general", [("", "always", "")], [("NO", "may_be_open"), ("CN", "open")]),
    # Liechtenstein: EEA, but neither Rome I, Brussels Ia nor Lugano.
    ("LI", "DE", YES, "general", [("", "always", "")], [("LI", "may_be_open"), ("DE", "open")]),
    # UK: retained Rome I art. 6; Civil Jurisdiction and Judgments Act 1982 s. 15B.
    ("GB", "DE", YES, "uk", [("GB", "always", "")], [("GB", "open"), ("DE", "open")]),
    ("GB", "DE", NO, "uk", [("DE", "always", "")], [("DE", "open")]),
    ("GB", "CN", YES, "uk", [("GB", "always", "")], [("GB", "open"), ("CN", "open")]),
    # One country: its law and its courts, whatever "directed" says.
    ("DE", "DE", YES, "domestic", [("DE", "always", "")], [("DE", "open")]),
    ("DE", "DE", NO, "domestic", [("DE", "always", "")], [("DE", "open")]),
    ("CN", "CN", UNKNOWN, "domestic", [("CN", "always", "")], [("CN", "open")]),
    # Codes in lower case are read; an unknown code gives the general answer, never an error.
    ("de", "fr", YES, "eu_consumer", [("DE", "always", "")], [("DE", "open"), ("FR", "open")]),
    ("ZZ", "CN", YES, "general", [("", "always", "")], [("ZZ", "may_be_open"), ("CN", "open")]),
]


@pytest.mark.parametrize(("consumer", "trader", "directed", "rule", "laws", "forums"), PAIRS)
def test_each_pair_of_countries_gets_its_row_its_law_and_its_courts(
    consumer, trader, directed, rule, laws, forums
):
    answer = explain(consumer, trader, directed=directed)

    assert answer.rule == rule
    assert _laws(answer) == laws
    assert _forums(answer) == forums


# --- a choice of law in the trader's or the platform's terms ---------------------------------

CHOICES = [
    # Rome I art. 6(2): the chosen law applies, the consumer's mandatory rules stay.
    ("DE", "FR", YES, "FR", "eu_consumer", [("FR", "always", "DE")]),
    ("FR", "CN", YES, "CN", "eu_consumer", [("CN", "always", "FR")]),
    # Choosing the consumer's own law changes nothing.
    ("DE", "FR", YES, "DE", "eu_consumer", [("DE", "always", "")]),
    # Rome I art. 3(1): without the consumer rule, the chosen law applies, any law.
    ("DE", "FR", NO, "IE", "eu_not_directed", [("IE", "always", "")]),
    ("DE", "FR", NO, "DE", "eu_not_directed", [("DE", "always", "")]),
    (
        "DE",
        "FR",
        UNKNOWN,
        "FR",
        "eu_directed_unknown",
        [("FR", "if_directed", "DE"), ("FR", "if_not_directed", "")],
    ),
    # Rome Convention art. 5(2) and art. 3.
    ("DK", "DE", YES, "DE", "denmark", [("DE", "always", "DK")]),
    ("DK", "DE", NO, "SE", "denmark", [("SE", "always", "")]),
    # Retained Rome I art. 6(2).
    ("GB", "CN", YES, "CN", "uk", [("CN", "always", "GB")]),
    # Art. 42: only the consumer may choose, so the trader's terms do not move the answer.
    ("CN", "DE", YES, "DE", "china", [("CN", "always", "")]),
    ("CN", "DE", NO, "US", "china", [("DE", "always", "")]),
    # No rule known: the chosen law is not named as the answer.
    ("US", "CN", YES, "CN", "general", [("", "always", "")]),
    ("NO", "DE", YES, "DE", "lugano", [("", "always", "")]),
    ("DE", "DE", YES, "US", "domestic", [("DE", "always", "")]),
]


@pytest.mark.parametrize(("consumer", "trader", "directed", "chosen", "rule", "laws"), CHOICES)
def test_a_chosen_law_counts_as_each_instrument_says(
    consumer, trader, directed, chosen, rule, laws
):
    answer = explain(consumer, trader, directed=directed, chosen_law=chosen)

    assert answer.rule == rule
    assert _laws(answer) == laws
    assert answer.chosen_law == chosen


def test_a_chosen_law_changes_no_court():
    plain = explain("DE", "FR", directed=YES)
    chosen = explain("DE", "FR", directed=YES, chosen_law="FR")

    assert _forums(chosen) == _forums(plain) == [("DE", "open"), ("FR", "open")]


# --- the country groups ----------------------------------------------------------------------


@pytest.mark.parametrize("country", EU_BOUND_BY_ROME_I)
def test_every_member_state_but_denmark_is_bound_by_rome_i(country):
    answer = explain(country, "US", directed=YES)

    assert answer.rule == "eu_consumer"
    assert _laws(answer) == [(country, "always", "")]
    assert _forums(answer) == [(country, "open"), ("US", "open")]


@pytest.mark.parametrize(
    ("country", "rule"),
    [
        ("DK", "denmark"),
        ("IS", "lugano"),
        ("NO", "lugano"),
        ("CH", "lugano"),
        ("LI", "general"),  # EEA, not a Lugano state
        ("GB", "uk"),
        ("CN", "china"),
        ("HK", "general"),  # its own law, not the mainland's
        ("TR", "general"),
        ("", "general"),
    ],
)
def test_outside_rome_i_each_country_gets_its_own_row(country, rule):
    assert explain(country, "DE", directed=YES).rule == rule


@pytest.mark.parametrize("trader", ["CH", "IS", "DE", "DK"])
def test_the_lugano_row_needs_a_trader_in_a_lugano_state(trader):
    assert explain("NO", trader, directed=YES).rule == "lugano"


@pytest.mark.parametrize("trader", ["LI", "GB", "US", "CN"])
def test_a_trader_outside_the_lugano_states_gets_the_general_answer(trader):
    answer = explain("IS", trader, directed=YES)

    assert answer.rule == "general"
    assert "through a branch" in _notes(answer)


# --- legal bases and sources -----------------------------------------------------------------

ROME_I = "https://eur-lex.europa.eu/eli/reg/2008/593/oj"
BRUSSELS_IA = "https://eur-lex.europa.eu/eli/reg/2012/1215/oj"
LUGANO = "https://eur-lex.europa.eu/legal-content/EN/TXT/?uri=OJ:L:2007:339:TOC"
ROME_CONVENTION = "https://eur-lex.europa.eu/legal-content/EN/TXT/?uri=CELEX:42005A1230(01)"
NPC = "https://flk.npc.gov.cn/"


@pytest.mark.parametrize(
    ("consumer", "trader", "directed", "law_basis", "law_url", "home_basis", "home_url"),
    [
        ("DE", "FR", YES, "art. 6(1)", ROME_I, "art. 18(1)", BRUSSELS_IA),
        ("DE", "FR", NO, "art. 4(1)(a)", ROME_I, None, None),
        ("DE", "CN", NO, "art. 4(1)(a)", ROME_I, "art. 6(1)", BRUSSELS_IA),
        ("DK", "DE", YES, "art. 5(3)", ROME_CONVENTION, "Kingdom of Denmark", BRUSSELS_IA),
        ("DK", "DE", NO, "art. 4(1) and (2)", ROME_CONVENTION, None, None),
        ("NO", "DE", YES, "", "", "art. 16(1)", LUGANO),
        (
            "GB",
            "DE",
            YES,
            "art. 6(1)",
            "https://www.legislation.gov.uk/eur/2008/593/contents",
            "s. 15B(2)(b)",
            "https://www.legislation.gov.uk/ukpga/1982/27/contents",
        ),
        ("CN", "DE", YES, "art. 42", NPC, "art. 276", NPC),
        ("US", "CN", YES, "", "", "", ""),
    ],
)
def test_each_answer_cites_its_provision_and_official_text(
    consumer, trader, directed, law_basis, law_url, home_basis, home_url
):
    answer = explain(consumer, trader, directed=directed)
    (law,) = answer.laws

    assert law_basis in str(law.legal_basis)
    assert bool(law.legal_basis) == bool(law_basis)
    assert law.source_url == law_url
    home = [f for f in answer.forums if f.country == consumer]
    if home_basis is None:
        assert home == []
    else:
        assert home_basis in str(home[0].legal_basis)
        assert home[0].source_url == home_url


@pytest.mark.parametrize(
    ("consumer", "trader", "directed", "basis", "url"),
    [
        ("DE", "FR", YES, "art. 18(1)", BRUSSELS_IA),  # the consumer rule names them
        ("DE", "FR", NO, "art. 4(1)", BRUSSELS_IA),
        ("CN", "DE", YES, "art. 4(1)", BRUSSELS_IA),
        ("NO", "CH", YES, "art. 2(1)", LUGANO),
        ("FR", "CN", YES, "art. 22", NPC),  # art. 18(1) names only member states' courts
        ("JP", "US", YES, "", ""),
    ],
)
def test_the_traders_own_courts_cite_their_rule(consumer, trader, directed, basis, url):
    answer = explain(consumer, trader, directed=directed)
    (forum,) = [f for f in answer.forums if f.country == trader]

    assert basis in str(forum.legal_basis)
    assert bool(forum.legal_basis) == bool(basis)
    assert forum.source_url == url


def test_the_sources_are_the_official_texts_without_repeats():
    answer = explain("FR", "CN", directed=YES)

    assert [s.url for s in answer.sources] == [ROME_I, BRUSSELS_IA, NPC]
    assert all(str(s.title) for s in answer.sources)


def test_the_general_answer_points_to_other_help():
    answer = explain("JP", "US", directed=YES)

    assert [s.url for s in answer.sources] == ["https://www.econsumer.gov/"]
    assert "econsumer.gov" in _notes(answer)
    assert "referral directory" in _notes(answer)


def test_the_answer_carries_the_method_version():
    assert METHOD_VERSION == "jurisdiction-2026.1"
    assert explain("DE", "FR", directed=YES).method_version == "jurisdiction-2026.1"


# --- notes: what other courts would do, and what to watch --------------------------------


@pytest.mark.parametrize(
    ("consumer", "trader", "directed", "chosen", "present", "absent"),
    [
        # Without the consumer rule, the place of delivery (Brussels Ia art. 7(1)(b)).
        ("DE", "FR", NO, "", "art. 7(1)(b)", None),
        ("DE", "FR", YES, "", None, "art. 7(1)(b)"),
        # A French judgment does not circulate in China by Brussels Ia.
        ("FR", "CN", YES, "", "recognised in the trader's country", None),
        ("DE", "FR", YES, "", None, "recognised in the trader's country"),
        ("NO", "DE", YES, "", None, "recognised in the trader's country"),
        ("GB", "DE", YES, "", "recognised in the trader's country", None),
        # German courts apply Rome I art. 6 whatever the consumer's country.
        ("CN", "DE", YES, "", "they apply the law of your country (Rome I, art. 6(1))", None),
        ("NO", "DE", YES, "", "they apply the law of your country (Rome I, art. 6(1))", None),
        ("DE", "FR", YES, "", None, "whichever country you live in"),
        # Danish courts apply the Rome Convention.
        ("DE", "DK", YES, "", "Rome Convention, art. 5, instead of Rome I", None),
        # Chinese courts apply art. 42 whatever the consumer's country.
        ("US", "CN", YES, "", "Chinese courts apply art. 42", None),
        # Art. 42 lets only the consumer choose.
        ("CN", "DE", YES, "DE", "does not provide for a choice made by the trader's", None),
        ("CN", "DE", YES, "", "internet court", "does not provide for a choice"),
        # Rome I art. 3(3) for a purely domestic contract with a foreign law chosen.
        ("DE", "DE", YES, "US", "art. 3(3)", None),
        ("US", "US", YES, "DE", None, "art. 3(3)"),
        ("LI", "DE", YES, "", "Liechtenstein is in the EEA", None),
    ],
)
def test_notes_say_what_other_courts_do(consumer, trader, directed, chosen, present, absent):
    notes = _notes(explain(consumer, trader, directed=directed, chosen_law=chosen))

    if present:
        assert present in notes
    if absent:
        assert absent not in notes


def test_the_consumers_courts_say_the_trader_may_sue_only_there():
    # Brussels Ia art. 18(2) and art. 19: the trader sues the consumer only at home, and a
    # clause naming other courts binds only if agreed after the dispute arose.
    (home, _trader) = explain("DE", "FR", directed=YES).forums

    assert "The trader may sue you only there" in str(home.explanation)
    assert "after the dispute arose" in str(home.explanation)
    assert "art. 18(2) and art. 19" in str(home.legal_basis)


def test_directed_unknown_is_explained_with_both_answers():
    answer = explain("FR", "DE", directed=UNKNOWN)
    directed, not_directed = answer.laws

    assert "directed its business to your country" in str(directed.explanation)
    assert "did not direct" in str(not_directed.explanation)
    assert "Shipping to you alone may not be enough" in _notes(answer)
