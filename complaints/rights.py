"""The rights engine: which statutory withdrawal (no-reason return) right a consumer has for a
purchase at a distance, until when, and what it gives. Pure: facts in, rights out; no database.

Versioned like the credit method (``METHOD_VERSION``): a change to a rule, a period or the way
days are counted is a new version, and docs/rights.md says what each version does. Each rule
carries its legal basis and an official source. The answer is information, not legal advice.

**Which family.** The consumer's country of residence picks the rules (China; the EU and EEA;
the United Kingdom; elsewhere none known). That is the consumer law that usually protects a
consumer a business directed its activity to; whether it really applies to one purchase is the
question of applicable law, which the rights shown here do not settle.

**Counting.** A period "from delivery" starts on the day after delivery: the day of delivery is
not counted (China: Civil Code art. 201; EU: Regulation (EEC, Euratom) No 1182/71 art. 3(1),
to which Directive 2011/83/EU recital 41 refers; UK: "14 days after the day on which the goods
come into the consumer's physical possession", Consumer Contracts Regulations 2013 reg. 30).
So goods delivered on 1 December may be returned without reason in China until 8 December,
and withdrawn from in the EU and the UK until 15 December, both included. Where the last day
is a public holiday (China: Civil Code art. 203) or, in the EU, a public holiday, Saturday or
Sunday (Regulation 1182/71 art. 3(4)), the period runs on to the next working day; Redress does
not move the date for holidays or weekends, so the date it shows is never later than the law's.
"""

from __future__ import annotations

import calendar
from dataclasses import dataclass
from datetime import date, timedelta

from django.utils.translation import gettext_lazy as _

from .models import GoodsException, SellerInformed

METHOD_VERSION = "rights-2026.1"

# The 27 member states of the European Union and the three EEA states outside it (Iceland,
# Liechtenstein, Norway), where Directive 2011/83/EU applies (incorporated into the EEA
# Agreement by EEA Joint Committee Decision No 181/2012).
EU_EEA = frozenset(
    {
        # European Union
        "AT", "BE", "BG", "HR", "CY", "CZ", "DK", "EE", "FI", "FR", "DE", "GR", "HU", "IE",
        "IT", "LV", "LT", "LU", "MT", "NL", "PL", "PT", "RO", "SK", "SI", "ES", "SE",
        # EEA, outside the EU
        "IS", "LI", "NO",
    }
)  # fmt: skip
CHINA = "CN"  # mainland China: the Consumer Rights Protection Law of the PRC
UNITED_KINGDOM = "GB"


class Family:
    CHINA = "china"
    EU_EEA = "eu_eea"
    UK = "uk"
    GENERAL = "general"


class Status:
    OPEN = "open"  # the right may still be used: until the deadline, included
    EXPIRED = "expired"  # the deadline passed
    NOT_STARTED = "not_started"  # counted from delivery, and the goods have not arrived
    EXCLUDED = "excluded"  # the goods fall under a statutory exception
    NONE = "none"  # no statutory right known: the merchant's own policy applies


@dataclass(frozen=True)
class Facts:
    """What the rights depend on, as the consumer answered at intake."""

    consumer_country: str  # ISO 3166-1 alpha-2, or "" when not given
    delivered_on: date | None  # None: not delivered (or not said)
    # Did the seller tell the consumer of the right to withdraw or return (SellerInformed)?
    # Only "no" extends the EU and UK periods; "not sure" shows both dates.
    informed: str = ""
    exception: str = GoodsException.NONE


@dataclass(frozen=True)
class Right:
    code: str
    family: str
    title: str
    action: str
    status: str
    deadline: date | None  # the last day the right may be used, included
    # The deadline if the seller did not inform the consumer of the right (EU and UK), when
    # the consumer did not say whether it did.
    deadline_if_not_informed: date | None
    remedy: str
    legal_basis: str
    source_url: str
    note: str = ""


def family_of(country: str) -> str:
    country = (country or "").upper()
    if country == CHINA:
        return Family.CHINA
    if country in EU_EEA:
        return Family.EU_EEA
    if country == UNITED_KINGDOM:
        return Family.UK
    return Family.GENERAL


def add_months(day: date, months: int) -> date:
    """The same day ``months`` later; the month's last day when it has no such day (the end of
    a period counted in months, Regulation 1182/71 art. 3(2)(c))."""
    month_index = day.month - 1 + months
    year, month = day.year + month_index // 12, month_index % 12 + 1
    return date(year, month, min(day.day, calendar.monthrange(year, month)[1]))


def _last_day(delivered_on: date, days: int) -> date:
    # The day of delivery is not counted: day 1 is the day after it (module docstring).
    return delivered_on + timedelta(days=days)


# --- the rules, one per family ----------------------------------------------------------

# The National Database of Laws and Regulations of the NPC (国家法律法规数据库).
CRPL_URL = "https://flk.npc.gov.cn/"
CRD_URL = "https://eur-lex.europa.eu/eli/dir/2011/83/oj"
UK_CCR_URL = "https://www.legislation.gov.uk/uksi/2013/3134/contents"

# Per family: the intake's exception -> the provision that excludes the right (absent: the
# right stays). China: CRPL art. 25 para. 1 (1)-(4) and para. 2; EU: Directive 2011/83/EU art.
# 16; UK: Consumer Contracts Regulations 2013 reg. 28.
EXCLUDING = {
    Family.CHINA: {
        GoodsException.MADE_TO_ORDER: _("CRPL art. 25(1)(1): goods made to the consumer's order"),
        GoodsException.PERISHABLE: _("CRPL art. 25(1)(2): fresh, live and perishable goods"),
        GoodsException.UNSEALED_MEDIA: _(
            "CRPL art. 25(1)(3): audio-visual products and software downloaded or unsealed by "
            "the consumer"
        ),
        GoodsException.NEWSPAPERS: _("CRPL art. 25(1)(4): newspapers and periodicals delivered"),
        GoodsException.CONFIRMED_NOT_RETURNABLE: _(
            "CRPL art. 25(2): goods unsuited to return by their nature, confirmed as such by "
            "the consumer at purchase"
        ),
    },
    Family.EU_EEA: {
        GoodsException.MADE_TO_ORDER: _(
            "Directive 2011/83/EU art. 16(c): goods made to the consumer's specifications or "
            "clearly personalised"
        ),
        GoodsException.PERISHABLE: _(
            "Directive 2011/83/EU art. 16(d): goods liable to deteriorate or expire rapidly"
        ),
        GoodsException.UNSEALED_HYGIENE: _(
            "Directive 2011/83/EU art. 16(e): sealed goods unsealed after delivery, not "
            "suitable for return for health protection or hygiene reasons"
        ),
        GoodsException.UNSEALED_MEDIA: _(
            "Directive 2011/83/EU art. 16(i): sealed audio or video recordings or computer "
            "software unsealed after delivery"
        ),
        GoodsException.NEWSPAPERS: _(
            "Directive 2011/83/EU art. 16(j): a newspaper, periodical or magazine (not a "
            "subscription)"
        ),
    },
    Family.UK: {
        GoodsException.MADE_TO_ORDER: _(
            "Consumer Contracts Regulations 2013 reg. 28: goods made to the consumer's "
            "specifications or clearly personalised"
        ),
        GoodsException.PERISHABLE: _(
            "Consumer Contracts Regulations 2013 reg. 28: goods liable to deteriorate or "
            "expire rapidly"
        ),
        GoodsException.UNSEALED_HYGIENE: _(
            "Consumer Contracts Regulations 2013 reg. 28: sealed goods unsealed after "
            "delivery, not suitable for return for health protection or hygiene reasons"
        ),
        GoodsException.UNSEALED_MEDIA: _(
            "Consumer Contracts Regulations 2013 reg. 28: sealed audio or video recordings or "
            "computer software unsealed after delivery"
        ),
        GoodsException.NEWSPAPERS: _(
            "Consumer Contracts Regulations 2013 reg. 28: a newspaper, periodical or magazine "
            "(not a subscription)"
        ),
    },
}


@dataclass(frozen=True)
class _Rule:
    code: str
    title: str
    # What the consumer may do, to fit "You may still … until 15 December".
    action: str
    days: int
    # Months added to the end of the period when the seller did not inform the consumer of the
    # right (None: no such extension).
    extension_months: int | None
    remedy: str
    legal_basis: str
    source_url: str


RULES = {
    Family.CHINA: _Rule(
        code="cn_seven_day_return",
        title=_("Seven-day no-reason return (七日无理由退货)"),
        action=_("return the goods without giving a reason"),
        days=7,
        extension_months=None,
        remedy=_(
            "Return the goods without giving a reason; the seller refunds the price within "
            "seven days of receiving them back. You pay the return postage unless agreed "
            "otherwise."
        ),
        legal_basis=_(
            "Consumer Rights Protection Law of the PRC, art. 25 (goods bought online, on "
            "television, by telephone or by mail order); days counted under Civil Code art. 201"
        ),
        source_url=CRPL_URL,
    ),
    Family.EU_EEA: _Rule(
        code="eu_fourteen_day_withdrawal",
        title=_("Fourteen-day right of withdrawal"),
        action=_("withdraw from the contract"),
        days=14,
        extension_months=12,
        remedy=_(
            "Withdraw from the contract without giving a reason; the trader reimburses every "
            "payment, standard delivery included, within 14 days of being told. You send the "
            "goods back within 14 days and pay the direct cost of return if you were told so."
        ),
        legal_basis=_(
            "Consumer Rights Directive 2011/83/EU, arts. 9-16 (art. 9: 14 days from physical "
            "possession; art. 10: 12 months longer if not informed; arts. 13-14: "
            "reimbursement and return)"
        ),
        source_url=CRD_URL,
    ),
    Family.UK: _Rule(
        code="uk_fourteen_day_cancellation",
        title=_("Fourteen-day right to cancel"),
        action=_("cancel the contract"),
        days=14,
        extension_months=12,
        remedy=_(
            "Cancel the contract without giving a reason; the trader refunds every payment, "
            "standard delivery included, within 14 days. You send the goods back within 14 "
            "days and pay the direct cost of return if you were told so."
        ),
        legal_basis=_(
            "Consumer Contracts (Information, Cancellation and Additional Charges) Regulations "
            "2013, regs. 29-31 (reg. 30: 14 days after physical possession; reg. 31: 12 months "
            "longer if not informed) and regs. 34-35 (refund and return)"
        ),
        source_url=UK_CCR_URL,
    ),
}


def rights_for(facts: Facts, *, today: date) -> list[Right]:
    """The withdrawal right of these facts, with its deadline and its status on ``today``.

    An unknown or missing country gives the general answer; never an error.
    """
    family = family_of(facts.consumer_country)
    rule = RULES.get(family)
    if rule is None:
        return [
            Right(
                code="no_statutory_withdrawal_known",
                family=family,
                title=_("No statutory withdrawal right known"),
                action="",
                status=Status.NONE,
                deadline=None,
                deadline_if_not_informed=None,
                remedy=_(
                    "Redress knows no statutory right to return goods without reason in your "
                    "country: the merchant's own return policy applies. Your rights when goods "
                    "are faulty or not as described are not affected."
                ),
                legal_basis="",
                source_url="",
            )
        ]
    excluded_by = EXCLUDING[family].get(facts.exception)
    common = {"code": rule.code, "family": family, "title": rule.title, "action": rule.action}
    common |= {"remedy": rule.remedy}
    common |= {"legal_basis": rule.legal_basis, "source_url": rule.source_url}
    if excluded_by is not None:
        return [
            Right(
                **common,
                status=Status.EXCLUDED,
                deadline=None,
                deadline_if_not_informed=None,
                note=excluded_by,
            )
        ]
    if facts.delivered_on is None:
        return [
            Right(
                **common,
                status=Status.NOT_STARTED,
                deadline=None,
                deadline_if_not_informed=None,
                note=_(
                    "Counted from delivery: it has not started, since the goods have not arrived."
                ),
            )
        ]
    deadline = _last_day(facts.delivered_on, rule.days)
    extended = add_months(deadline, rule.extension_months) if rule.extension_months else None
    if_not_informed = None
    if extended is not None:
        if facts.informed == SellerInformed.NO:
            deadline = extended
        elif facts.informed != SellerInformed.YES:
            if_not_informed = extended
    return [
        Right(
            **common,
            status=Status.OPEN if today <= deadline else Status.EXPIRED,
            deadline=deadline,
            deadline_if_not_informed=if_not_informed,
        )
    ]


def open_rights(rights: list[Right]) -> list[Right]:
    return [r for r in rights if r.status == Status.OPEN]


def facts_of(complaint) -> Facts:
    """The facts of a complaint as the intake recorded them (a draft may lack some)."""
    return Facts(
        consumer_country=str(complaint.consumer_country or ""),
        delivered_on=complaint.delivery_date if complaint.delivery == "delivered" else None,
        informed=complaint.seller_informed,
        exception=complaint.goods_exception or GoodsException.NONE,
    )


def complaint_rights(complaint, *, today: date) -> list[Right]:
    """The rights of a complaint; none before the consumer said where they live and whether
    the goods arrived."""
    if not complaint.consumer_country or not complaint.delivery:
        return []
    return rights_for(facts_of(complaint), today=today)
