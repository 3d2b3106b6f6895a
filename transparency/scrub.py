"""Removing personal data from a complaint narrative before it is published (issue 17).

`scrub(text, known=...)` finds the personal data in an English, Chinese or mixed narrative and
replaces each item with a readable placeholder (`[[EMAIL]]`, `[[PHONE]]` ...). It is a first
pass for the mediator, who approves every narrative before it is published: names without a
cue ("the seller, Zhang Wei, ...") cannot be found without a language model, so `known` carries
the names, e-mails and numbers the platform already holds for the case.

How it matches. The text is NFKC-normalised for matching (full-width at signs, colons and
digits become "@", ":", "138"), but the output keeps the consumer's own characters outside the
replaced spans: the normalised copy is built one character cluster at a time with a map back to
the original (NFKC can change lengths). `known` values are matched on a further casefolded copy.

The detectors run in a fixed order, and each one runs on a copy in which everything found
before is masked, so a later detector can neither re-match nor split an earlier finding:

1. `known` values: they are certain, so they win over any guess.
2. links, before e-mails and numbers, so that a URL carrying an order id or a name goes whole;
   a bare host ("taobao.com", "https://www.amazon.com/") is kept: it names the shop, which is
   what a reader of the complaint needs, and it is not personal.
3. e-mail addresses, before names (a local part "john.smith" would otherwise leave "@...").
4. numbers introduced by a cue word ("tracking number", "订单号", "银行卡", "护照" ...): the cue
   says what the number is, which is better than guessing from its shape. Tracking cues come
   before order cues because "快递单号" ends with "单号".
5. numbers recognised by a checksum: IBAN, China resident identity card, US SSN, Korean RRN,
   then card numbers (Luhn), then carriers' tracking numbers (UPU S10 check digit, UPS "1Z").
   Identity cards before cards: an 18-digit RIC passes Luhn one time in ten, while a card
   passes the RIC check (checksum, birth date) far more rarely.
6. digit runs of 16 or more (longer than any phone number, E.164 allows 15): order numbers, so
   the phone matcher never sees part of a Taobao or JD order number.
7. phone numbers (phonenumbers' matcher over the regions our consumers write from, then the
   shapes it rejects as invalid but people still write: mainland mobiles, NANP "(555) 123-4567").
8. the remaining long numbers (10 digits or more, or digit groups of 12 or more): order numbers.
9. postal addresses: after the numbers, so an address cue stops at a phone number that follows
   it, and a phone number inside an address keeps its own placeholder.
10. names last: their cues are loose words, and by now "contact: 13800138000" is already a phone.

Every pattern starts at a boundary (a lookbehind) or is bounded in length, so the regexes stay
linear on long inputs such as a pasted 100 KB log of digits and letters.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass

import phonenumbers
from stdnum import iban, luhn
from stdnum.cn import ric
from stdnum.exceptions import ValidationError
from stdnum.kr import rrn
from stdnum.us import ssn

# Kind -> placeholder. The page translates the placeholder when it shows the narrative, so this
# stays a plain mapping of constants.
PLACEHOLDERS: dict[str, str] = {
    "email": "[[EMAIL]]",
    "phone": "[[PHONE]]",
    "name": "[[NAME]]",
    "address": "[[ADDRESS]]",
    "order": "[[ORDER NUMBER]]",
    "tracking": "[[TRACKING NUMBER]]",
    "card": "[[CARD NUMBER]]",
    "bank": "[[BANK ACCOUNT]]",
    "id": "[[ID NUMBER]]",
    "link": "[[LINK]]",
}

# The regions our consumers and merchants write numbers from: mainland China first (most
# narratives), then the places cross-border purchases come from.
PHONE_REGIONS = ("CN", "HK", "TW", "US", "GB", "JP", "KR", "DE", "FR", "AU")

# Common Chinese surnames, used only to tell a name from a word after a cue: "我是李娜" names
# someone, "我是消费者" does not. These are the ~100 most common surnames of the household
# register as ranked by the Ministry of Public Security (公安部户政管理研究中心, 《2020年全国
# 姓名报告》, top 100, as widely reproduced), plus a few common compound surnames (复姓). They
# cover most of the population; a rarer surname after a cue is not caught (see the docs page).
SURNAMES = frozenset(
    "王李张刘陈杨黄赵吴周徐孙马朱胡郭何林高罗郑梁谢宋唐许韩邓冯曹彭曾肖田董潘袁蔡蒋余于杜叶"
    "程魏苏吕丁任卢姚沈钟姜崔谭陆范汪廖石金韦贾夏付傅方邹熊白孟秦邱侯江尹薛闫段雷龙黎史陶贺"
    "毛郝顾龚邵万覃武钱戴严欧莫孔向常汤康易乔赖文"
)
COMPOUND_SURNAMES = ("欧阳", "司马", "上官", "诸葛", "东方", "皇甫", "令狐", "慕容", "司徒", "夏侯")

# Words that start with a surname character but are not names, after "我是": "我是高中生".
NOT_NAMES = frozenset({"高中生", "万一", "马上", "方便", "常客", "文员", "金卡会员", "白领"})

MASK = "\ue000"  # a private-use character: no pattern below matches it, so found spans are inert

_HAN = "\u4e00-\u9fff"
_SURNAME = "(?:" + "|".join(COMPOUND_SURNAMES) + "|[" + "".join(sorted(SURNAMES)) + "])"
# After a Chinese name: anything but another Han character, or a title or particle.
_ZH_AFTER_NAME = rf"(?=[^{_HAN}]|$|先生|女士|小姐|太太|老师|经理|师傅|的|在|从|说|和|已|今|想|要)"
_ZH_NAME = rf"{_SURNAME}[{_HAN}]{{1,2}}?{_ZH_AFTER_NAME}"


@dataclass(frozen=True)
class Scrubbed:
    text: str
    found: tuple[str, ...]


Span = tuple[int, int, str]
Detector = Callable[[str], Iterator[Span]]


def scrub(text: str, *, known: Iterable[tuple[str, str]] = ()) -> Scrubbed:
    """Replace the personal data in `text`; `known` holds (kind, value) pairs that must go."""
    known = [(kind, value) for kind, value in known]
    for kind, _value in known:
        if kind not in PLACEHOLDERS:
            raise ValueError(f"unknown kind {kind!r}; one of {', '.join(PLACEHOLDERS)}")
    norm, starts, ends = _fold(text, lambda s: unicodedata.normalize("NFKC", s))
    taken = [False] * len(norm)
    spans: list[Span] = []
    work = norm
    for detector in [_known_detector(norm, known), *_DETECTORS]:
        for start, end, kind in detector(work):
            if start >= end or any(taken[start:end]):
                continue
            taken[start:end] = [True] * (end - start)
            spans.append((start, end, kind))
        work = "".join(MASK if t else c for c, t in zip(norm, taken, strict=True))

    spans.sort()
    out: list[str] = []
    found: list[str] = []
    cursor = 0
    for start, end, kind in spans:
        out.append(text[cursor : starts[start]])
        out.append(PLACEHOLDERS[kind])
        cursor = ends[end - 1]
        if kind not in found:
            found.append(kind)
    out.append(text[cursor:])
    return Scrubbed(text="".join(out), found=tuple(found))


def _fold(text: str, fold: Callable[[str], str]) -> tuple[str, list[int], list[int]]:
    """`fold` each cluster (a character and its combining marks) of `text`; for each output
    character, the start and end in `text` of the cluster it came from."""
    out: list[str] = []
    starts: list[int] = []
    ends: list[int] = []
    i = 0
    while i < len(text):
        j = i + 1
        while j < len(text) and unicodedata.combining(text[j]):
            j += 1
        folded = fold(text[i:j])
        out.append(folded)
        starts.extend([i] * len(folded))
        ends.extend([j] * len(folded))
        i = j
    return "".join(out), starts, ends


# --- known values --------------------------------------------------------------------------

_SEPARATED_KINDS = frozenset({"phone", "order", "tracking", "card", "bank", "id"})


def _known_detector(norm: str, known: list[tuple[str, str]]) -> Detector:
    folded, starts, ends = _fold(norm, str.casefold)
    patterns: list[tuple[re.Pattern[str], str]] = []
    # Longest first, so "Zhang Wei" goes whole before a known "Zhang" could take part of it.
    values = sorted(((kind, _casefold(value)) for kind, value in known), key=lambda kv: -len(kv[1]))
    for kind, value in values:
        if len(value) < 2:
            continue
        if kind in _SEPARATED_KINDS:
            # A number typed in the form as "2026110812345678" may be written "2026 1108 ...".
            chars = [c for c in value if c not in " -."]
            body = r"[ .-]?".join(re.escape(c) for c in chars)
        else:
            body = r"\s+".join(re.escape(part) for part in value.split())
        # A Latin or digit edge must not be the middle of a word: a known "Li" is not "Lisa".
        left = r"(?<![a-z0-9])" if value[0].isascii() and value[0].isalnum() else ""
        right = r"(?![a-z0-9])" if value[-1].isascii() and value[-1].isalnum() else ""
        patterns.append((re.compile(left + body + right), kind))

    def detect(work: str) -> Iterator[Span]:
        for pattern, kind in patterns:
            for m in pattern.finditer(folded):
                yield starts[m.start()], ends[m.end() - 1], kind

    return detect


def _casefold(value: str) -> str:
    return unicodedata.normalize("NFKC", value).casefold().strip()


# --- links and e-mail ---------------------------------------------------------------------

_URL_END = rf"[^\s<>\"'{_HAN}\u3000-\u303f{MASK}]"
_URL = re.compile(
    rf"(?:\bhttps?://|(?<![\w@.-])www\.){_URL_END}+"
    # A host without a scheme counts only with a path: "taobao.com" alone is a shop's name.
    rf"|(?<![\w@./-])[a-z0-9-]+(?:\.[a-z0-9-]+)*\.[a-z]{{2,24}}[/?#]{_URL_END}*",
    re.IGNORECASE,
)
_BARE_HOST = re.compile(r"(?:https?://)?[^/?#@\s]+/?", re.IGNORECASE)

_EMAIL = re.compile(
    r"(?<![A-Za-z0-9._%+-])[A-Za-z0-9._%+-]+@(?:[A-Za-z0-9-]+\.)+[A-Za-z]{2,24}(?![A-Za-z0-9-])"
)


def _links(work: str) -> Iterator[Span]:
    for m in _URL.finditer(work):
        url = m.group().rstrip(".,;:!?)]}")
        if not _BARE_HOST.fullmatch(url):
            yield m.start(), m.start() + len(url), "link"


def _emails(work: str) -> Iterator[Span]:
    for m in _EMAIL.finditer(work):
        yield m.start(), m.end(), "email"


# --- numbers after a cue ------------------------------------------------------------------

_SEP = r"\s*(?:[:#=]|is|was|是|为)?\s*"
# A reference: letters, digits and dashes, at least 5 long, with a digit, and not a date.
_REF = r"(?!\d{4}-\d{1,2}-\d{1,2}\b)(?=[A-Za-z-]*\d)[A-Za-z0-9][A-Za-z0-9-]{4,39}(?![A-Za-z0-9-])"
_DIGITS_16_19 = r"\d(?:[ -]?\d){15,18}(?!\d)"

_CUED: list[tuple[re.Pattern[str], str]] = [
    (
        re.compile(
            r"(?:(?i:\b(?:tracking|waybill|shipment)(?:\s*(?:number|no\.?|num|code|id|#))?(?![a-z]))"
            rf"|运单号码|运单号|运单|快递单号|快递号|物流单号|物流号){_SEP}({_REF})"
        ),
        "tracking",
    ),
    (
        re.compile(
            r"(?:(?i:\b(?:order|purchase|transaction)(?:\s*(?:number|no\.?|num|id|ref|#))?(?![a-z]))"
            rf"|订单号码|订单编号|订单号|订单|交易单号|交易号|流水号|单号){_SEP}({_REF})"
        ),
        "order",
    ),
    (
        re.compile(
            r"(?:(?i:\bbank\s+(?:card|account)(?:\s*(?:number|no\.?))?"
            r"|\baccount\s*(?:number|no\.?)?|\bacct\.?(?:\s*no\.?)?)"
            rf"|银行卡号码|银行卡号|银行卡|银行账号|银行账户|账号|帐号|卡号){_SEP}({_DIGITS_16_19})"
        ),
        "bank",
    ),
    (
        re.compile(
            r"(?:(?i:\bpassport(?:\s*(?:number|no\.?|#))?)|护照号码|护照号|护照)"
            rf"{_SEP}([A-Za-z]{{0,2}}\d{{6,9}})(?![A-Za-z0-9])"
        ),
        "id",
    ),
    (
        re.compile(
            r"(?:(?i:\b(?:ID\s*card|identity\s*card|national\s*ID|ID)\s*(?:number|no\.?|#)"
            r"|\bID\s*card|\bidentity\s*card|\bSSN|\bsocial\s+security\s+number)"
            rf"|身份证号码|身份证号|身份证|证件号码|证件号){_SEP}([A-Za-z0-9][A-Za-z0-9-]{{5,19}})"
            r"(?![A-Za-z0-9])"
        ),
        "id",
    ),
]


def _cued_numbers(work: str) -> Iterator[Span]:
    for pattern, kind in _CUED:
        for m in pattern.finditer(work):
            yield m.start(1), m.end(1), kind


# --- numbers with a checksum ----------------------------------------------------------------

_IBAN = re.compile(r"(?<![A-Za-z0-9])[A-Z]{2}\d{2}(?:[ ]?[A-Z0-9]){11,30}(?![A-Za-z0-9])")
_RIC = re.compile(r"(?<![A-Za-z0-9])\d{17}[\dXx](?![A-Za-z0-9])")
_SSN = re.compile(r"(?<![\d-])\d{3}-\d{2}-\d{4}(?![\d-])")
_RRN = re.compile(r"(?<![\d-])\d{6}-\d{7}(?![\d-])")
# Payment cards start with 2 to 6 (Mastercard, Amex/JCB/Diners, Visa, Mastercard, UnionPay or
# Discover); "+86 138..." and "86138..." are phone numbers, not cards.
_CARD = re.compile(r"(?<![\d+])[2-6]\d(?:[ -]?\d){11,17}(?!\d)")
_S10 = re.compile(r"(?<![A-Za-z0-9])[A-Z]{2}\d{9}[A-Z]{2}(?![A-Za-z0-9])")
_UPS = re.compile(r"(?<![A-Za-z0-9])1Z[A-Z0-9]{16}(?![A-Za-z0-9])")
_VERY_LONG_DIGITS = re.compile(r"(?<!\d)\d{16,}(?!\d)")


def _checked_numbers(work: str) -> Iterator[Span]:
    for m in _IBAN.finditer(work):
        # The pattern may run on into a following capitalised word: try shorter ends.
        for end in _group_ends(m.group()):
            if iban.is_valid(m.group()[:end]):
                yield m.start(), m.start() + end, "bank"
                break
    for m in _RIC.finditer(work):
        if _is_ric(m.group()):
            yield m.start(), m.end(), "id"
    for m in _SSN.finditer(work):
        if ssn.is_valid(m.group()):
            yield m.start(), m.end(), "id"
    for m in _RRN.finditer(work):
        if rrn.is_valid(m.group()):
            yield m.start(), m.end(), "id"
    for m in _CARD.finditer(work):
        for end in _group_ends(m.group()):
            digits = re.sub(r"\D", "", m.group()[:end])
            if len(digits) >= 13 and luhn.is_valid(digits):
                yield m.start(), m.start() + end, "card"
                break
    for m in _S10.finditer(work):
        if _s10_check_digit(m.group()[2:10]) == m.group()[10]:
            yield m.start(), m.end(), "tracking"
    for m in _UPS.finditer(work):
        yield m.start(), m.end(), "tracking"
    for m in _VERY_LONG_DIGITS.finditer(work):
        yield m.start(), m.end(), "order"


def _group_ends(candidate: str) -> list[int]:
    """The whole candidate, then each shorter prefix that ends before a separator."""
    return [len(candidate)] + [i for i in range(len(candidate) - 1, 0, -1) if candidate[i] in " -"]


def _is_ric(number: str) -> bool:
    # The check digit and the birth date, not the birth place: a number from a county that has
    # since been renamed is still someone's identity card.
    try:
        return ric.calc_check_digit(number) == number[-1].upper() and bool(
            ric.get_birth_date(number)
        )
    except ValidationError:
        return False


def _s10_check_digit(digits: str) -> str:
    """The check digit of the 8 serial digits of a UPU S10 item number (weights 8 6 4 2 3 5 9 7)."""
    total = sum(int(d) * w for d, w in zip(digits, (8, 6, 4, 2, 3, 5, 9, 7), strict=True))
    check = 11 - total % 11
    return {10: "0", 11: "5"}.get(check, str(check))


# --- phone numbers and the remaining long numbers -----------------------------------------

_CN_MOBILE = re.compile(r"(?<![\d+])(?:\+?86[ -]?)?1[3-9]\d(?:[ -]?\d{4}){2}(?!\d)")
_NANP = re.compile(r"(?<![\d(])(?:\(\d{3}\)[ ]?|\d{3}[-.])\d{3}[-.]\d{4}(?!\d)")
_LONG_DIGITS = re.compile(r"(?<!\d)\d{10,}(?!\d)")
_DIGIT_GROUPS = re.compile(r"(?<![\d-])\d{3,}(?:[ -]\d{3,}){2,}(?![\d-])")


def _phones(work: str) -> Iterator[Span]:
    for region in PHONE_REGIONS:
        for m in phonenumbers.PhoneNumberMatcher(
            work, region, leniency=phonenumbers.Leniency.VALID
        ):
            yield m.start, m.end, "phone"
    for pattern in (_CN_MOBILE, _NANP):
        for m in pattern.finditer(work):
            yield m.start(), m.end(), "phone"


def _long_numbers(work: str) -> Iterator[Span]:
    for m in _LONG_DIGITS.finditer(work):
        yield m.start(), m.end(), "order"
    for m in _DIGIT_GROUPS.finditer(work):
        if sum(c.isdigit() for c in m.group()) >= 12:
            yield m.start(), m.end(), "order"


# --- postal addresses ---------------------------------------------------------------------

# Characters of a Chinese place name: Han characters but the pronouns, verbs and particles that
# come before an address ("我住在北京市..."), so that an address starts at its first place name.
_PLACE = rf"[^\W\d_A-Za-z我你他她它们在住是的了到寄送发从和与及把被给向于址地{MASK}]"
_ADMIN = rf"{_PLACE}{{2,7}}?(?:特别行政区|自治区|自治州|省|市|区|县|镇|乡|街道)"
_STREET = rf"{_PLACE}{{1,8}}?(?:大道|大街|路|街|巷|胡同|弄)"
_BUILDING = rf"{_PLACE}{{1,8}}?(?:小区|花园|大厦|公寓|广场|苑|园|村)"
_NUM = (
    r"(?:\d{1,5}(?:-\d{1,5})?|[A-Za-z]|[一二三四五六七八九十]{1,3})[ ]?"
    r"(?:号院|号楼|号|弄|栋|幢|座|单元|楼|层|室|段)"
)
# A named building before its number: "太古汇3楼", "SOHO现代城A座".
_NAMED_NUM = rf"(?:{_PLACE}|[A-Za-z]){{1,12}}?{_NUM}"
_PART = rf"(?:{_STREET}|{_BUILDING}|{_NUM}|{_NAMED_NUM})"
# An address is in address order: at least two of its parts, from the province or city down to
# the room, or a street or building with its number ("建国路88号"); one place name alone
# ("上海市", "超市") is not an address.
_ZH_ADDRESS = re.compile(
    rf"(?:{_ADMIN}){{1,5}}{_PART}{{1,8}}"
    rf"|(?:{_ADMIN}){{2,5}}"
    rf"|(?:{_STREET}|{_BUILDING}){_NUM}{_PART}{{0,7}}"
)
_ZH_ADDRESS_CUE = re.compile(
    rf"(?:收货地址|收件地址|送货地址|寄件地址|家庭地址|住址|地址)\s*(?::|是|为)\s*([^\n。!?;,{MASK}]{{2,120}})"
)
_POSTCODE_CUE = re.compile(
    r"(?:邮编|邮政编码|(?i:\b(?:post\s*code|postal\s+code|zip(?:\s*code)?)))\s*(?::|是|为|is)?\s*"
    r"(\d{5,6}(?:-\d{4})?|[A-Z]{1,2}\d[A-Z\d]?[ ]?\d[A-Z]{2})(?![A-Za-z0-9])"
)

_STATES = (
    "AL|AK|AZ|AR|CA|CO|CT|DE|DC|FL|GA|HI|ID|IL|IN|IA|KS|KY|LA|ME|MD|MA|MI|MN|MS|MO|MT|NE|NV|NH"
    "|NJ|NM|NY|NC|ND|OH|OK|OR|PA|RI|SC|SD|TN|TX|UT|VT|VA|WA|WV|WI|WY"
)
_STATE_ZIP = rf"(?:{_STATES})[ ]\d{{5}}(?:-\d{{4}})?\b"
# Inward codes never use C I K M O V; "M2 8GB" and "M3 1TB" are laptops, not postcodes.
_UK_POSTCODE = r"[A-Z]{1,2}\d[A-Z\d]?[ ](?!\d[GT]B\b)\d[ABD-HJLNP-UW-Z]{2}\b"
_EN_WORD = r"[A-Z][A-Za-z'.-]{0,30}"
_EN_STREET = (
    rf"(?<![\w-])\d{{1,5}}[A-Za-z]?(?:[ ]{_EN_WORD}){{1,4}}?[ ]"
    r"(?:(?:Street|Road|Avenue|Lane|Drive|Boulevard|Way|Court|Place|Terrace|Crescent|Close"
    # An abbreviation takes its full stop; "Road." keeps the one that ends the sentence.
    r"|Highway)\b|(?:St|Rd|Ave|Ln|Dr|Blvd|Ct|Pl|Hwy)\b\.?)(?:[ ](?:N|S|E|W|NE|NW|SE|SW)\b)?"
)
_FLAT = r"\b(?:Apt|Apartment|Suite|Flat|Room)\.?[ ]?#?\d{1,5}[A-Za-z]?\b"
_CITY = r"[A-Z][a-z]+(?:[ ][A-Z][a-z]+){0,2}"
_EN_ADDRESS = re.compile(
    rf"(?:{_FLAT},?[ ])?{_EN_STREET}(?:,?[ ]{_FLAT})?"
    # The town and the postcode or ZIP, when they follow.
    rf"(?:(?:,[ ]{_CITY}){{0,2}},?[ ](?:{_STATE_ZIP}|{_UK_POSTCODE}))?"
    rf"|{_FLAT}"
    rf"|(?:{_CITY},?[ ])?(?:{_STATE_ZIP}|{_UK_POSTCODE})"
)
_EN_ADDRESS_CUE = re.compile(
    r"(?i:(?<!mail )(?<!e-mail )(?<!IP )(?<!web )\b(?:(?:shipping|delivery|home|billing|postal"
    r"|mailing|my)\s+)?address)\s*(?::|is|was)?\s*"
    rf"([^\n!?;{MASK}]{{4,160}}?)(?=\.(?:\s|$)|[\n!?;{MASK}]|$)"
)


def _addresses(work: str) -> Iterator[Span]:
    for m in _ZH_ADDRESS_CUE.finditer(work):
        if re.search(r"[\d省市区县路街号]", m.group(1)):
            yield m.start(1), m.end(1), "address"
    for m in _EN_ADDRESS_CUE.finditer(work):
        if re.search(r"\d", m.group(1)):
            yield m.start(1), m.end(1), "address"
    for m in _POSTCODE_CUE.finditer(work):
        yield m.start(1), m.end(1), "address"
    for pattern in (_ZH_ADDRESS, _EN_ADDRESS):
        for m in pattern.finditer(work):
            yield m.start(), m.end(), "address"


# --- names --------------------------------------------------------------------------------

_EN_NAME_WORD = r"[A-ZÀ-Ö][A-Za-zÀ-ÖØ-öø-ÿ]*(?:['-][A-Z][A-Za-zÀ-ÖØ-öø-ÿ]*)?"
_EN_NAME = rf"{_EN_NAME_WORD}(?:[ ]{_EN_NAME_WORD}){{0,2}}"
_EN_NAME_CUED = [
    # Titles keep their word: "Mr. [[NAME]]".
    re.compile(rf"\b(?:Mr|Mrs|Ms|Miss|Mx|Dr|Prof)\.?[ ]({_EN_NAME})"),
    re.compile(
        # A shop's, product's or file's name is not a person's.
        r"(?i:\bmy\s+name\s+is|\bmy\s+name's|(?<!shop )(?<!store )(?<!product )(?<!company )"
        r"(?<!brand )(?<!file )(?<!user)\bname\s*:|\bcontact(?:\s+person)?\s*:)"
        rf"\s*({_EN_NAME}|{_ZH_NAME})"
    ),
    # "I am" is followed by many capitalised words that are not names ("I am Chinese"): only two
    # or three of them count.
    re.compile(rf"\bI(?:[ ]am|'m)[ ]({_EN_NAME_WORD}(?:[ ]{_EN_NAME_WORD}){{1,2}})\b"),
    re.compile(rf"(?i:\b(?:signed|regards|sincerely|thanks|best),)\s*({_EN_NAME})"),
]
_ZH_NAME_CUED = [
    re.compile(rf"(?:我叫|我的名字是|我的名字叫|本人|我是)({_ZH_NAME})"),
    re.compile(
        rf"(?:姓名|联系人|收件人|收货人|寄件人|持卡人|开户人|户名)\s*(?::|是|为)?\s*({_ZH_NAME}|{_EN_NAME})"
    ),
    re.compile(rf"我姓({_SURNAME})"),
    # A surname (and given name) before a title: "王先生", "客服李女士"; the title stays.
    re.compile(rf"({_SURNAME}[{_HAN}]{{0,2}}?)(?=先生|女士|小姐)"),
]


def _names(work: str) -> Iterator[Span]:
    for pattern in (*_EN_NAME_CUED, *_ZH_NAME_CUED):
        for m in pattern.finditer(work):
            if m.group(1) not in NOT_NAMES:
                yield m.start(1), m.end(1), "name"


_DETECTORS: list[Detector] = [
    _links,
    _emails,
    _cued_numbers,
    _checked_numbers,
    _phones,
    _long_numbers,
    _addresses,
    _names,
]
