"""Jurisdiction and applicable law, explained: from where the consumer and the trader are,
whether the trader directed its business to the consumer's country and the law its terms
choose, which country's law probably governs the purchase and whose courts are open. Pure:
facts in, an answer out; no database.

Versioned like the rights engine (``METHOD_VERSION``): a change to a row, a country group or
the way a row is chosen is a new version, and docs/jurisdiction.md says what each version does.
Each answer names the row of ``ROWS`` that gave it (``Answer.rule``) and carries its legal basis
and an official source. The answer is general information, not legal advice.

**Which row.** The first that fits, in this order (``rule_for``): both in one country
(domestic); a consumer in Denmark (the Rome Convention and Brussels Ia by agreement); a consumer
in another EU state (Rome I and Brussels Ia), split by whether the trader directed its business
there; a consumer in Iceland, Norway or Switzerland buying from a trader in a Lugano state; a
consumer in the United Kingdom; a consumer in mainland China; everyone else (the general
answer). The consumer's country picks the row because its courts are the ones a consumer can
most easily use and its rules are the ones written to protect them; what the trader's courts
would do is a note.

**Directed.** Rome I art. 6(1)(b) and Brussels Ia art. 17(1)(c) ask whether the trader pursues
its activities in the consumer's country or "by any means, directs such activities to" it (an
online shop that delivers there, sells in its language or currency). The consumer answers yes,
no or not sure; "not sure" shows both answers, each with its condition.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.utils.translation import gettext_lazy as _

METHOD_VERSION = "jurisdiction-2026.1"

# --- country groups (ISO 3166-1 alpha-2) -------------------------------------------------

# The 27 member states of the European Union.
EU = frozenset(
    {
        "AT", "BE", "BG", "HR", "CY", "CZ", "DK", "EE", "FI", "FR", "DE", "GR", "HU", "IE",
        "IT", "LV", "LT", "LU", "MT", "NL", "PL", "PT", "RO", "SK", "SI", "ES", "SE",
    }
)  # fmt: skip
# The EEA states outside the EU: Iceland, Liechtenstein, Norway. None is bound by Rome I or
# Brussels Ia.
EEA_OUTSIDE_EU = frozenset({"IS", "LI", "NO"})
DENMARK = "DK"
# Rome I binds every member state except Denmark (Regulation (EC) 593/2008, recital 46 and art.
# 1(4)); Denmark still applies the 1980 Rome Convention.
ROME_I_STATES = EU - {DENMARK}
# Brussels Ia binds every member state; Denmark applies it through the Agreement between the
# European Community and the Kingdom of Denmark of 19 October 2005 (OJ L 299, 16.11.2005).
BRUSSELS_IA_STATES = EU
# The 2007 Lugano Convention binds the EU (Denmark separately), Iceland, Norway and Switzerland.
# Liechtenstein is not a party.
LUGANO_STATES = EU | {"CH", "IS", "NO"}
LUGANO_OUTSIDE_EU = LUGANO_STATES - EU  # CH, IS, NO
CHINA = "CN"  # mainland China
UNITED_KINGDOM = "GB"


class Rule:
    """The rows of ``ROWS``: the answer names the one that gave it."""

    DOMESTIC = "domestic"
    EU_CONSUMER = "eu_consumer"
    EU_NOT_DIRECTED = "eu_not_directed"
    EU_DIRECTED_UNKNOWN = "eu_directed_unknown"
    DENMARK = "denmark"
    LUGANO = "lugano"
    UK = "uk"
    CHINA = "china"
    GENERAL = "general"


class When:
    """When a law applies: the answer to "directed" decides where it is not known."""

    ALWAYS = "always"
    IF_DIRECTED = "if_directed"
    IF_NOT_DIRECTED = "if_not_directed"


class Open:
    """How sure it is that a country's courts hear the case."""

    YES = "open"  # a rule gives them jurisdiction
    IF_DIRECTED = "if_directed"  # they do if the trader directed its business to the consumer
    MAY_BE = "may_be_open"  # their own law may give them jurisdiction; not settled here


# --- the answer ----------------------------------------------------------------------------


@dataclass(frozen=True)
class Law:
    """Which country's law probably governs the contract."""

    country: str  # ISO code; "" when no country can be named in general
    when: str  # When
    explanation: str
    legal_basis: str
    source_url: str
    # A chosen law applies, but the mandatory consumer rules of this country still protect the
    # consumer (Rome I art. 6(2)); "" when there is no such floor or no other law was chosen.
    mandatory_rules_of: str = ""


@dataclass(frozen=True)
class Forum:
    """Courts of one country that may hear the consumer's claim."""

    country: str
    status: str  # Open
    explanation: str
    legal_basis: str
    source_url: str


@dataclass(frozen=True)
class Source:
    title: str
    url: str


@dataclass(frozen=True)
class Answer:
    rule: str  # Rule: the row that answered
    title: str
    consumer_country: str
    trader_country: str
    directed: bool | None
    chosen_law: str
    laws: tuple[Law, ...]  # one, or two (if directed / if not) when "directed" is not known
    forums: tuple[Forum, ...]  # the consumer's courts first
    notes: tuple[str, ...]
    sources: tuple[Source, ...]
    method_version: str = METHOD_VERSION


# --- official sources ----------------------------------------------------------------------

ROME_I_URL = "https://eur-lex.europa.eu/eli/reg/2008/593/oj"
BRUSSELS_IA_URL = "https://eur-lex.europa.eu/eli/reg/2012/1215/oj"
# The consolidated version of the 1980 Convention (OJ C 334, 30.12.2005).
ROME_CONVENTION_URL = "https://eur-lex.europa.eu/legal-content/EN/TXT/?uri=CELEX:42005A1230(01)"
# The Official Journal issues that carry the texts: the EU-Denmark Agreement (OJ L 299,
# 16.11.2005, p. 62) and the Lugano Convention (OJ L 339, 21.12.2007, p. 3).
EU_DENMARK_AGREEMENT_URL = "https://eur-lex.europa.eu/legal-content/EN/TXT/?uri=OJ:L:2005:299:TOC"
LUGANO_URL = "https://eur-lex.europa.eu/legal-content/EN/TXT/?uri=OJ:L:2007:339:TOC"
# The National Database of Laws and Regulations of the NPC (国家法律法规数据库), as in
# complaints.rights: the database is stable, its links to one text are not.
NPC_DATABASE_URL = "https://flk.npc.gov.cn/"
UK_ROME_I_URL = "https://www.legislation.gov.uk/eur/2008/593/contents"
UK_CJJA_URL = "https://www.legislation.gov.uk/ukpga/1982/27/contents"
ECONSUMER_URL = "https://www.econsumer.gov/"

SOURCE_TITLES = {
    ROME_I_URL: _("Rome I Regulation (EC) No 593/2008 (EUR-Lex)"),
    BRUSSELS_IA_URL: _("Brussels Ia Regulation (EU) No 1215/2012 (EUR-Lex)"),
    ROME_CONVENTION_URL: _("1980 Rome Convention, consolidated version (EUR-Lex)"),
    EU_DENMARK_AGREEMENT_URL: _("EC-Denmark Agreement of 19 October 2005, OJ L 299 (EUR-Lex)"),
    LUGANO_URL: _("2007 Lugano Convention, OJ L 339, 21.12.2007 (EUR-Lex)"),
    NPC_DATABASE_URL: _("National Database of Laws and Regulations (NPC)"),
    UK_ROME_I_URL: _("Retained Rome I Regulation (legislation.gov.uk)"),
    UK_CJJA_URL: _("Civil Jurisdiction and Judgments Act 1982 (legislation.gov.uk)"),
    ECONSUMER_URL: _("econsumer.gov"),
}

# --- the table -----------------------------------------------------------------------------


class PointsTo:
    CONSUMER = "consumer"  # the law of the consumer's country
    TRADER = "trader"  # the law of the trader's country
    NONE = "none"  # no country can be named in general


class Choice:
    """What a choice of law in the trader's or the platform's terms does under a row."""

    FLOOR = "floor"  # it applies, but the consumer keeps their country's mandatory rules
    APPLIES = "applies"  # it applies
    CONSUMER_ONLY = "consumer_only"  # only the consumer may choose (China, art. 42)
    UNSETTLED = "unsettled"  # no rule known here


@dataclass(frozen=True)
class _Law:
    points_to: str  # PointsTo
    choice: str  # Choice
    explanation: str
    # Shown instead when the terms choose another country's law (FLOOR and APPLIES).
    explanation_chosen: str
    legal_basis: str
    source_url: str


@dataclass(frozen=True)
class _Courts:
    explanation: str
    legal_basis: str
    source_url: str


@dataclass(frozen=True)
class _Row:
    title: str
    law_if_directed: _Law
    law_if_not_directed: _Law
    # The consumer's own courts, and whether they are open when the trader directed its
    # business there / when it did not (None: no rule of this row opens them).
    home_courts: _Courts
    home_if_directed: str | None
    home_if_not_directed: str | None
    # The trader's courts when the trader directed its business to the consumer and is based in
    # a Brussels Ia state, where the row's consumer rule names them (Brussels Ia art. 18(1)
    # names "the Member State in which that party is domiciled"); otherwise the trader's
    # courts by its country (_trader_courts).
    trader_courts_if_directed: _Courts | None = None
    notes: tuple[str, ...] = ()
    sources: tuple[str, ...] = ()


_ROME_I_CONSUMER = _Law(
    points_to=PointsTo.CONSUMER,
    choice=Choice.FLOOR,
    explanation=_(
        "The trader directed its business to your country, so the law of your country governs "
        "the contract."
    ),
    explanation_chosen=_(
        "The trader directed its business to your country. The law chosen in the terms "
        "applies, but it cannot take away the protection that the rules of your country which "
        "cannot be set aside by agreement give you."
    ),
    legal_basis=_(
        "Rome I Regulation (EC) No 593/2008, art. 6(1) (the law of the consumer's habitual "
        "residence) and art. 6(2) (a choice of law may not deprive the consumer of that "
        "protection)"
    ),
    source_url=ROME_I_URL,
)
_ROME_I_GENERAL = _Law(
    points_to=PointsTo.TRADER,
    choice=Choice.APPLIES,
    explanation=_(
        "The trader did not direct its business to your country, so the consumer rule does not "
        "apply: without a choice of law in the terms, the law of the seller's country governs "
        "(for a service, the provider's)."
    ),
    explanation_chosen=_(
        "The trader did not direct its business to your country, so the consumer rule does not "
        "apply and the law chosen in the terms governs the contract."
    ),
    legal_basis=_(
        "Rome I Regulation (EC) No 593/2008, art. 3(1) (the law chosen by the parties) and art. "
        "4(1)(a) and (b) (otherwise the seller's or service provider's habitual residence)"
    ),
    source_url=ROME_I_URL,
)
_BRUSSELS_HOME = _Courts(
    explanation=_(
        "You may sue the trader in the courts where you live, wherever the trader is based. "
        "The trader may sue you only there, and a clause in the terms naming other courts does "
        "not bind you unless it was agreed after the dispute arose."
    ),
    legal_basis=_(
        "Brussels Ia Regulation (EU) No 1215/2012, art. 17(1)(c) and art. 18(1) (the consumer's "
        "domicile, regardless of the domicile of the other party); art. 18(2) and art. 19"
    ),
    source_url=BRUSSELS_IA_URL,
)
_BRUSSELS_TRADER = _Courts(
    explanation=_("You may also sue the trader in the courts of the state where it is based."),
    legal_basis=_("Brussels Ia Regulation (EU) No 1215/2012, art. 18(1)"),
    source_url=BRUSSELS_IA_URL,
)
_GENERAL_LAW = _Law(
    points_to=PointsTo.NONE,
    choice=Choice.UNSETTLED,
    explanation=_(
        "No single rule is known here for this pair of countries. Which law governs depends on "
        "the courts that hear the case (each applies its own conflict-of-laws rules) and on the "
        "terms of the trader or the platform; the consumer law of your country may still "
        "protect you."
    ),
    explanation_chosen=_(
        "No single rule is known here for this pair of countries. The terms choose a law; "
        "whether that choice holds against you as a consumer depends on the courts that hear "
        "the case."
    ),
    legal_basis="",
    source_url="",
)
_GENERAL_HOME = _Courts(
    explanation=_(
        "The courts where you live may also hear the case under your country's own law; "
        "a judgment from them may then need to be recognised in the trader's country before it "
        "can be enforced there."
    ),
    legal_basis="",
    source_url="",
)

_DOMESTIC_LAW = _Law(
    points_to=PointsTo.CONSUMER,
    choice=Choice.UNSETTLED,
    explanation=_(
        "You and the trader are in the same country: its law governs the contract "
        "and protects you as a consumer."
    ),
    explanation_chosen=_(
        "You and the trader are in the same country: its law governs the contract. "
        "The terms choose another country's law; how far that choice can take away the "
        "protection of your country's consumer law is for your country's law to say."
    ),
    legal_basis="",
    source_url="",
)

_LUGANO_LAW = _Law(
    points_to=PointsTo.NONE,
    choice=Choice.UNSETTLED,
    explanation=_(
        "Your country is not bound by the EU's Rome I Regulation: which law governs "
        "depends on the conflict-of-laws rules of the courts that hear the case and "
        "on the terms; the consumer law of your country may still protect you."
    ),
    explanation_chosen=_GENERAL_LAW.explanation_chosen,
    legal_basis="",
    source_url="",
)

_EU_NOTES = (
    _(
        "These are the rules the courts of every EU member state except Denmark "
        "apply (Rome I, recital 46); Denmark applies the similar consumer rule of "
        "the 1980 Rome Convention, art. 5."
    ),
    _(
        "Some contracts fall outside the consumer rule, for example a service "
        "supplied only in another country than yours (Rome I, art. 6(4))."
    ),
)

ROWS = {
    Rule.DOMESTIC: _Row(
        title=_("You and the trader are in the same country"),
        law_if_directed=_DOMESTIC_LAW,
        law_if_not_directed=_DOMESTIC_LAW,
        home_courts=_Courts(
            explanation=_(
                "The courts of your country hear the case; its own rules say which court."
            ),
            legal_basis="",
            source_url="",
        ),
        home_if_directed=Open.YES,
        home_if_not_directed=Open.YES,
    ),
    # Rome I and Brussels Ia, for a consumer in a member state bound by Rome I.
    Rule.EU_CONSUMER: _Row(
        title=_("EU consumer rules: the trader directed its business to your country"),
        law_if_directed=_ROME_I_CONSUMER,
        law_if_not_directed=_ROME_I_GENERAL,
        home_courts=_BRUSSELS_HOME,
        home_if_directed=Open.YES,
        home_if_not_directed=None,
        trader_courts_if_directed=_BRUSSELS_TRADER,
        notes=_EU_NOTES,
        sources=(ROME_I_URL, BRUSSELS_IA_URL),
    ),
    Rule.EU_NOT_DIRECTED: _Row(
        title=_("EU rules: the trader did not direct its business to your country"),
        law_if_directed=_ROME_I_CONSUMER,
        law_if_not_directed=_ROME_I_GENERAL,
        home_courts=_BRUSSELS_HOME,
        home_if_directed=Open.YES,
        home_if_not_directed=None,
        trader_courts_if_directed=_BRUSSELS_TRADER,
        notes=(
            _(
                "Without the consumer rule, a trader based in an EU member state is sued where "
                "it is based; for a sale of goods, the courts for the place in an EU state where "
                "the goods were or should have been delivered may also hear the case (Brussels "
                "Ia, art. 7(1)(b))."
            ),
            _EU_NOTES[0],
        ),
        sources=(ROME_I_URL, BRUSSELS_IA_URL),
    ),
    Rule.EU_DIRECTED_UNKNOWN: _Row(
        title=_("EU rules: it depends on whether the trader directed its business to you"),
        law_if_directed=_ROME_I_CONSUMER,
        law_if_not_directed=_ROME_I_GENERAL,
        home_courts=_BRUSSELS_HOME,
        home_if_directed=Open.YES,
        home_if_not_directed=None,
        trader_courts_if_directed=_BRUSSELS_TRADER,
        notes=(
            _(
                "A trader directs its business to your country when, for example, it delivers "
                "there, or its site is in your language or takes your currency while that is "
                "not its own. Shipping to you alone may not be enough; everything taken "
                "together decides."
            ),
            *_EU_NOTES,
        ),
        sources=(ROME_I_URL, BRUSSELS_IA_URL),
    ),
    # The 1980 Rome Convention for the law, Brussels Ia by the 2005 Agreement for the courts.
    Rule.DENMARK: _Row(
        title=_("Denmark: the Rome Convention and the Brussels Ia rules by agreement"),
        law_if_directed=_Law(
            points_to=PointsTo.CONSUMER,
            choice=Choice.FLOOR,
            explanation=_(
                "Danish courts apply the 1980 Rome Convention. Its consumer rule points to the "
                "law of Denmark when the trader addressed its offer or advertising to you in "
                "Denmark and you ordered from there, or it took your order there."
            ),
            explanation_chosen=_(
                "Danish courts apply the 1980 Rome Convention. The law chosen in the terms "
                "applies, but it cannot take away the protection of the Danish rules that "
                "cannot be set aside by agreement, when the trader addressed its offer or "
                "advertising to you in Denmark."
            ),
            legal_basis=_(
                "Convention on the law applicable to contractual obligations (Rome, 1980), art. "
                "5(2) (a choice of law may not deprive the consumer of that protection) and art. "
                "5(3) (otherwise the law of the consumer's habitual residence)"
            ),
            source_url=ROME_CONVENTION_URL,
        ),
        law_if_not_directed=_Law(
            points_to=PointsTo.TRADER,
            choice=Choice.APPLIES,
            explanation=_(
                "Without an offer addressed to you in Denmark, the consumer rule does not apply: "
                "without a choice of law in the terms, the law of the seller's country governs "
                "(the country most closely connected, presumed to be the seller's)."
            ),
            explanation_chosen=_(
                "Without an offer addressed to you in Denmark, the consumer rule does not apply "
                "and the law chosen in the terms governs the contract."
            ),
            legal_basis=_(
                "Convention on the law applicable to contractual obligations (Rome, 1980), art. "
                "3 (the law chosen) and art. 4(1) and (2) (otherwise the closest connection, "
                "presumed the country of the party that performs the characteristic obligation)"
            ),
            source_url=ROME_CONVENTION_URL,
        ),
        home_courts=_Courts(
            explanation=_BRUSSELS_HOME.explanation,
            legal_basis=_(
                "Brussels Ia Regulation (EU) No 1215/2012, arts. 17(1)(c), 18 and 19, applied "
                "to Denmark by the Agreement between the European Community and the Kingdom of "
                "Denmark of 19 October 2005"
            ),
            source_url=BRUSSELS_IA_URL,
        ),
        home_if_directed=Open.YES,
        home_if_not_directed=None,
        trader_courts_if_directed=_BRUSSELS_TRADER,
        notes=(
            _(
                "Denmark is not bound by the Rome I Regulation (recital 46): its courts apply "
                "the 1980 Rome Convention, whose consumer rule is worded differently from Rome I "
                "art. 6. If the case is heard in another EU member state, that state's courts "
                "apply Rome I, art. 6."
            ),
        ),
        sources=(ROME_CONVENTION_URL, BRUSSELS_IA_URL, EU_DENMARK_AGREEMENT_URL),
    ),
    # Iceland, Norway, Switzerland: the Lugano Convention for the courts; no shared law rule.
    Rule.LUGANO: _Row(
        title=_("The Lugano Convention: courts; the law depends on the court"),
        law_if_directed=_LUGANO_LAW,
        law_if_not_directed=_LUGANO_LAW,
        home_courts=_Courts(
            explanation=_(
                "You may sue the trader in the courts where you live, as the trader is based in "
                "a state bound by the Lugano Convention. The trader may sue you only there."
            ),
            legal_basis=_(
                "Lugano Convention of 30 October 2007, art. 15(1)(c) and art. 16(1) and (2)"
            ),
            source_url=LUGANO_URL,
        ),
        home_if_directed=Open.YES,
        home_if_not_directed=None,
        notes=(
            _(
                "Iceland, Norway and Switzerland are not EU member states: the Rome I and "
                "Brussels Ia Regulations do not bind them. The Lugano Convention gives a "
                "consumer a similar choice of courts, but only against a trader based in a "
                "state bound by it (or with a branch there)."
            ),
        ),
        sources=(LUGANO_URL,),
    ),
    # Rome I and the Brussels Ia consumer rule, kept in UK law after it left the EU.
    Rule.UK: _Row(
        title=_("The United Kingdom: the retained Rome I rules and the 1982 Act"),
        law_if_directed=_Law(
            points_to=PointsTo.CONSUMER,
            choice=Choice.FLOOR,
            explanation=_(
                "UK courts apply the Rome I rules kept in UK law. The trader directed its "
                "business to the United Kingdom, so the law of the part of the UK where you "
                "live governs the contract."
            ),
            explanation_chosen=_(
                "UK courts apply the Rome I rules kept in UK law. The law chosen in the terms "
                "applies, but it cannot take away the protection that the rules of the part of "
                "the UK where you live which cannot be set aside by agreement give you."
            ),
            legal_basis=_(
                "Regulation (EC) No 593/2008 as retained in UK law, art. 6(1) and (2), amended "
                "by the Law Applicable to Contractual Obligations and Non-Contractual "
                "Obligations (Amendment etc.) (EU Exit) Regulations 2019 (SI 2019/834)"
            ),
            source_url=UK_ROME_I_URL,
        ),
        law_if_not_directed=_Law(
            points_to=PointsTo.TRADER,
            choice=Choice.APPLIES,
            explanation=_(
                "UK courts apply the Rome I rules kept in UK law. The trader did not direct its "
                "business to the UK: without a choice of law in the terms, the law of the "
                "seller's country governs (for a service, the provider's)."
            ),
            explanation_chosen=_(
                "UK courts apply the Rome I rules kept in UK law. The trader did not direct its "
                "business to the UK, so the law chosen in the terms governs the contract."
            ),
            legal_basis=_(
                "Regulation (EC) No 593/2008 as retained in UK law, art. 3(1) and art. 4(1)(a) "
                "and (b)"
            ),
            source_url=UK_ROME_I_URL,
        ),
        home_courts=_Courts(
            explanation=_(
                "You may sue the trader in the courts where you live, wherever the trader is based."
            ),
            legal_basis=_(
                "Civil Jurisdiction and Judgments Act 1982, s. 15B(2)(b) (the consumer's "
                "domicile, regardless of the domicile of the other party), ss. 15A-15E inserted "
                "by the Civil Jurisdiction and Judgments (Amendment) (EU Exit) Regulations 2019 "
                "(SI 2019/479)"
            ),
            source_url=UK_CJJA_URL,
        ),
        home_if_directed=Open.YES,
        home_if_not_directed=None,
        notes=(
            _(
                "The United Kingdom left the EU: the Rome I and Brussels Ia Regulations no "
                "longer bind it, and the Lugano Convention does not either. England and Wales, "
                "Scotland and Northern Ireland each have their own law and courts."
            ),
        ),
        sources=(UK_ROME_I_URL, UK_CJJA_URL),
    ),
    # Law of the PRC on the Application of Laws to Foreign-Related Civil Relations (2010).
    Rule.CHINA: _Row(
        title=_(
            "China: the law of your habitual residence, unless the trader does no business there"
        ),
        law_if_directed=_Law(
            points_to=PointsTo.CONSUMER,
            choice=Choice.CONSUMER_ONLY,
            explanation=_(
                "The trader does business in China, so Chinese law governs the contract, unless "
                "you choose the law of the place where the goods or services are provided."
            ),
            explanation_chosen="",
            legal_basis=_(
                "Law of the PRC on the Application of Laws to Foreign-Related Civil Relations "
                "(涉外民事关系法律适用法, 2010), art. 42"
            ),
            source_url=NPC_DATABASE_URL,
        ),
        law_if_not_directed=_Law(
            points_to=PointsTo.TRADER,
            choice=Choice.CONSUMER_ONLY,
            explanation=_(
                "The trader does no business in China, so the law of the place where the goods "
                "or services are provided governs the contract; that is usually the trader's "
                "country, but goods sent from a warehouse elsewhere may point to that place."
            ),
            explanation_chosen="",
            legal_basis=_(
                "Law of the PRC on the Application of Laws to Foreign-Related Civil Relations "
                "(涉外民事关系法律适用法, 2010), art. 42"
            ),
            source_url=NPC_DATABASE_URL,
        ),
        home_courts=_Courts(
            explanation=_(
                "Chinese courts may hear a case against a trader with no domicile in China, for "
                "example where the contract was signed or performed in China, the goods are in "
                "China, or the trader has property that can be seized or a representative office "
                "there."
            ),
            legal_basis=_("Civil Procedure Law of the PRC (民事诉讼法, 2023 amendment), art. 276"),
            source_url=NPC_DATABASE_URL,
        ),
        home_if_directed=Open.MAY_BE,
        home_if_not_directed=Open.MAY_BE,
        notes=(
            _(
                "Article 42 asks whether the trader carries on business activities in China; "
                "your answer on whether it directed its business to China is taken for that."
            ),
            _(
                "Where a Chinese court hears a dispute over an online purchase made through an "
                "e-commerce platform, it may be an internet court (Hangzhou, Beijing, "
                "Guangzhou), which hears cases online, if the case falls in its area: Supreme "
                "People's Court, Provisions on Several Issues Concerning the Trial of Cases by "
                "Internet Courts (2018), art. 2(1)."
            ),
        ),
        sources=(NPC_DATABASE_URL,),
    ),
    Rule.GENERAL: _Row(
        title=_("No specific rule known for these countries: the general answer"),
        law_if_directed=_GENERAL_LAW,
        law_if_not_directed=_GENERAL_LAW,
        home_courts=_GENERAL_HOME,
        home_if_directed=Open.MAY_BE,
        home_if_not_directed=Open.MAY_BE,
        notes=(
            _(
                "The referral directory lists bodies that take cross-border complaints, and "
                "econsumer.gov takes complaints from consumers of every country: a complaint "
                "there costs less than a court case abroad."
            ),
        ),
        sources=(ECONSUMER_URL,),
    ),
}

# The trader's own courts, by the trader's country: a defendant can as a rule be sued where it
# is based.
_TRADER_EU = _Courts(
    explanation=_("You may sue the trader in the courts of the state where it is based."),
    legal_basis=_("Brussels Ia Regulation (EU) No 1215/2012, art. 4(1)"),
    source_url=BRUSSELS_IA_URL,
)
_TRADER_LUGANO = _Courts(
    explanation=_TRADER_EU.explanation,
    legal_basis=_("Lugano Convention of 30 October 2007, art. 2(1)"),
    source_url=LUGANO_URL,
)
_TRADER_CHINA = _Courts(
    explanation=_(
        "You may sue the trader in the courts of the place in China where it is domiciled."
    ),
    legal_basis=_("Civil Procedure Law of the PRC (民事诉讼法, 2023 amendment), art. 22"),
    source_url=NPC_DATABASE_URL,
)
_TRADER_ELSEWHERE = _Courts(
    explanation=_(
        "The courts of the country where the trader is based are generally open to a claim "
        "against it."
    ),
    legal_basis="",
    source_url="",
)

# The consumer's courts in an EU row when the consumer rule does not apply and the trader is
# based outside the member states: Brussels Ia leaves them to national law.
_HOME_NATIONAL_LAW = _Courts(
    explanation=_(
        "The trader is not based in an EU member state, so the courts where you live may still "
        "hear the case under your country's own rules on jurisdiction."
    ),
    legal_basis=_("Brussels Ia Regulation (EU) No 1215/2012, art. 6(1)"),
    source_url=BRUSSELS_IA_URL,
)
_EU_ROWS = frozenset({Rule.EU_NOT_DIRECTED, Rule.DENMARK})

# Notes that depend on the trader's country, not on the row.
_NOTE_TRADER_ROME_I = _(
    "If the case is heard in the trader's country, an EU member state, its courts apply Rome I: "
    "if the trader directed its business to your country, they apply the law of your country "
    "(Rome I, art. 6(1)), whichever country you live in."
)
_NOTE_TRADER_DENMARK = _(
    "If the case is heard in Denmark, the trader's country, Danish courts apply the similar "
    "consumer rule of the 1980 Rome Convention, art. 5, instead of Rome I."
)
_NOTE_TRADER_CHINA = _(
    "If the case is heard in China, the trader's country, Chinese courts apply art. 42 of the "
    "Law on the Application of Laws to Foreign-Related Civil Relations: the law of your "
    "habitual residence if the trader does business there, otherwise the law of the place "
    "where the goods or services are provided."
)
_NOTE_RECOGNITION = _(
    "A judgment of the courts where you live may need to be recognised in the trader's country "
    "before it can be enforced there."
)
_NOTE_CHINA_CHOICE = _(
    "Article 42 lets you, the consumer, choose the law of the place where the goods or services "
    "are provided; it does not provide for a choice made by the trader's or the platform's "
    "terms. Whether a clause in standard terms counts as your choice is not settled."
)
_NOTE_DOMESTIC_ROME_I = _(
    "Where everything about the contract is in one EU member state, a choice of another "
    "country's law cannot set aside the rules of that state which cannot be derogated from by "
    "agreement (Rome I, art. 3(3))."
)
_NOTE_LIECHTENSTEIN = _(
    "Liechtenstein is in the EEA but is bound neither by the Rome I and Brussels Ia Regulations "
    "nor by the Lugano Convention."
)
_NOTE_LUGANO_TRADER_OUTSIDE = _(
    "The Lugano Convention's consumer rule reaches a trader based outside the states bound by "
    "it only through a branch, agency or other establishment in one of them (art. 15(2))."
)


# --- choosing the row and answering --------------------------------------------------------


def _code(country: str) -> str:
    return (country or "").strip().upper()


def rule_for(consumer_country: str, trader_country: str, directed: bool | None) -> str:
    """The row that answers for this pair: the first that fits (module docstring)."""
    consumer, trader = _code(consumer_country), _code(trader_country)
    if consumer and consumer == trader:
        return Rule.DOMESTIC
    if consumer == DENMARK:
        return Rule.DENMARK
    if consumer in ROME_I_STATES:
        if directed is None:
            return Rule.EU_DIRECTED_UNKNOWN
        return Rule.EU_CONSUMER if directed else Rule.EU_NOT_DIRECTED
    if consumer in LUGANO_OUTSIDE_EU and trader in LUGANO_STATES:
        return Rule.LUGANO
    if consumer == UNITED_KINGDOM:
        return Rule.UK
    if consumer == CHINA:
        return Rule.CHINA
    return Rule.GENERAL


def _trader_courts(trader: str) -> _Courts:
    if trader in BRUSSELS_IA_STATES:
        return _TRADER_EU
    if trader in LUGANO_OUTSIDE_EU:
        return _TRADER_LUGANO
    if trader == CHINA:
        return _TRADER_CHINA
    return _TRADER_ELSEWHERE


def _law(rule: _Law, when: str, consumer: str, trader: str, chosen: str) -> Law:
    country = {PointsTo.CONSUMER: consumer, PointsTo.TRADER: trader}.get(rule.points_to, "")
    explanation, floor = rule.explanation, ""
    if chosen and rule.choice == Choice.FLOOR and chosen != consumer:
        country, floor, explanation = chosen, consumer, rule.explanation_chosen
    elif chosen and rule.choice == Choice.APPLIES:
        country, explanation = chosen, rule.explanation_chosen
    elif chosen and rule.choice == Choice.UNSETTLED and chosen != country:
        explanation = rule.explanation_chosen
    return Law(
        country=country,
        when=when,
        explanation=explanation,
        legal_basis=rule.legal_basis,
        source_url=rule.source_url,
        mandatory_rules_of=floor,
    )


def _laws(row: _Row, directed: bool | None, consumer: str, trader: str, chosen: str):
    if row.law_if_directed is row.law_if_not_directed:
        return (_law(row.law_if_directed, When.ALWAYS, consumer, trader, chosen),)
    if directed is None:
        return (
            _law(row.law_if_directed, When.IF_DIRECTED, consumer, trader, chosen),
            _law(row.law_if_not_directed, When.IF_NOT_DIRECTED, consumer, trader, chosen),
        )
    rule = row.law_if_directed if directed else row.law_if_not_directed
    return (_law(rule, When.ALWAYS, consumer, trader, chosen),)


def _home_status(row: _Row, directed: bool | None) -> str | None:
    if directed is None:
        if row.home_if_directed == Open.YES and row.home_if_not_directed != Open.YES:
            return Open.IF_DIRECTED
        return row.home_if_directed or row.home_if_not_directed
    return row.home_if_directed if directed else row.home_if_not_directed


def _forums(rule: str, row: _Row, directed: bool | None, consumer: str, trader: str):
    forums = []
    status, home = _home_status(row, directed), row.home_courts
    if status is None and rule in _EU_ROWS and trader not in BRUSSELS_IA_STATES:
        status, home = Open.MAY_BE, _HOME_NATIONAL_LAW
    if status is not None:
        forums.append(Forum(consumer, status, home.explanation, home.legal_basis, home.source_url))
    if trader and trader != consumer:
        courts = _trader_courts(trader)
        in_brussels = trader in BRUSSELS_IA_STATES
        if directed and in_brussels and row.trader_courts_if_directed is not None:
            courts = row.trader_courts_if_directed
        forums.append(
            Forum(trader, Open.YES, courts.explanation, courts.legal_basis, courts.source_url)
        )
    return tuple(forums)


def _notes(rule: str, row: _Row, consumer: str, trader: str, chosen: str, forums) -> list:
    notes = list(row.notes)
    if rule == Rule.DOMESTIC:
        if chosen and chosen != consumer and consumer in ROME_I_STATES:
            notes.append(_NOTE_DOMESTIC_ROME_I)
        return notes
    if rule == Rule.CHINA and chosen:
        notes.append(_NOTE_CHINA_CHOICE)
    # What the trader's courts would do, where this row is not already their rule.
    if trader in ROME_I_STATES and consumer not in ROME_I_STATES and rule != Rule.DENMARK:
        notes.append(_NOTE_TRADER_ROME_I)
    if trader == DENMARK and consumer != DENMARK:
        notes.append(_NOTE_TRADER_DENMARK)
    if trader == CHINA:
        notes.append(_NOTE_TRADER_CHINA)
    if consumer == "LI":
        notes.append(_NOTE_LIECHTENSTEIN)
    if consumer in LUGANO_OUTSIDE_EU and rule != Rule.LUGANO:
        notes.append(_NOTE_LUGANO_TRADER_OUTSIDE)
    # A judgment circulates freely only within Brussels Ia and the Lugano Convention.
    home_open = any(f.country == consumer for f in forums)
    shared = consumer in LUGANO_STATES and trader in LUGANO_STATES
    if home_open and trader and not shared and rule != Rule.GENERAL:
        notes.append(_NOTE_RECOGNITION)
    return notes


def _sources(row: _Row, laws, forums) -> tuple[Source, ...]:
    urls = [*row.sources, *(law.source_url for law in laws), *(f.source_url for f in forums)]
    seen = dict.fromkeys(url for url in urls if url)  # ordered, without repeats
    return tuple(Source(title=SOURCE_TITLES[url], url=url) for url in seen)


def explain(
    consumer_country: str, trader_country: str, *, directed: bool | None, chosen_law: str = ""
) -> Answer:
    """Which law probably governs a purchase and whose courts are open, for the consumer's
    country, the trader's, whether the trader directed its business to the consumer's country
    (None: not known) and the law the terms choose ("" none or not known).

    An unknown country code gives the general answer; never an error.
    """
    consumer, trader, chosen = _code(consumer_country), _code(trader_country), _code(chosen_law)
    rule = rule_for(consumer, trader, directed)
    row = ROWS[rule]
    laws = _laws(row, directed, consumer, trader, chosen)
    forums = _forums(rule, row, directed, consumer, trader)
    return Answer(
        rule=rule,
        title=row.title,
        consumer_country=consumer,
        trader_country=trader,
        directed=directed,
        chosen_law=chosen,
        laws=laws,
        forums=forums,
        notes=tuple(_notes(rule, row, consumer, trader, chosen, forums)),
        sources=_sources(row, laws, forums),
    )
