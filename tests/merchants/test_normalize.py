"""Shop links and registration numbers as consumers and merchants really paste them."""
# ruff: noqa: RUF001 - full-width and ideographic characters are the point of these tests

from __future__ import annotations

import pytest

from merchants.normalize import (
    InvalidRegistrationNumber,
    InvalidURL,
    fold_for_search,
    link_in_text,
    normalize_registration_number,
    normalize_shop_url,
)


@pytest.mark.parametrize(
    ("pasted", "normalized"),
    [
        # Taobao: spm and share tracking dropped, the item id kept
        (
            "https://item.taobao.com/item.htm?spm=a21n57.1.0.0.4c5a523c&id=678901234567"
            "&ns=1&abbucket=7&ali_trackid=2:mm_12345_0_0",
            "item.taobao.com/item.htm?id=678901234567&ns=1",
        ),
        # a Taobao shop front page shared from the app
        (
            "https://shop57321.taobao.com/index.htm?spm=2013.1.w5002-2.1&ut_sk=1.X_21646297"
            "&sourceType=shop&suid=ABC&un=xyz&share_crt_v=1&sp_tk=5L2g5aW9",
            "shop57321.taobao.com",
        ),
        # Tmall: the SKU stays (it is the product variant), tracking goes
        (
            "https://detail.tmall.com/item.htm?spm=a220m.1000858.1000725.1.2d1b&id=5555"
            "&skuId=4321&user_id=88&cat_id=2&ali_refid=a3_430583_1006:1",
            "detail.tmall.com/item.htm?cat_id=2&id=5555&skuId=4321&user_id=88",
        ),
        # JD union link with utm parameters
        (
            "https://item.jd.com/100012043978.html?cu=true&utm_source=kong&utm_medium=jingfen"
            "&utm_campaign=t_1000&utm_term=abc&jd_pop=1",
            "item.jd.com/100012043978.html",
        ),
        # JD on the phone
        (
            "https://item.m.jd.com/product/100012043978.html?pps=seckill.1",
            "item.m.jd.com/product/100012043978.html",
        ),
        # Amazon: search context, the ref path segment and pd_rd_/pf_rd_ tracking
        (
            "https://www.amazon.com/Example-Kettle/dp/B08N5WRWNW/ref=sr_1_3?crid=2M096C61O4MLT"
            "&keywords=kettle&qid=1697000000&sprefix=kett%2Caps%2C300&sr=8-3&th=1",
            "amazon.com/Example-Kettle/dp/B08N5WRWNW?th=1",
        ),
        (
            "https://www.amazon.co.uk/sp?ie=UTF8&seller=A1B2C3D4E5&pd_rd_w=Xy&pf_rd_p=1&ref_=dp_merchant_link",
            "amazon.co.uk/sp?ie=UTF8&seller=A1B2C3D4E5",
        ),
        # eBay item with its tracking soup
        (
            "https://www.ebay.com/itm/314159265358?_trkparms=amclksrc%3DITM%26aid%3D1110006"
            "&_trksid=p2047675.c100005.m1851&hash=item4924&amdata=enc%3AAQ&mkcid=1&campid=533",
            "ebay.com/itm/314159265358",
        ),
        ("HTTPS://WWW.EBAY.COM/str/examplestore/", "ebay.com/str/examplestore"),
        # scheme, www., host case, default port, fragment, double and trailing slashes
        ("http://WWW.Shop.Example.com:80//store//abc/#reviews", "shop.example.com/store/abc"),
        ("https://shop.example.com:443/store/abc", "shop.example.com/store/abc"),
        ("shop.example.com/store/abc/", "shop.example.com/store/abc"),
        ("//shop.example.com/store/abc", "shop.example.com/store/abc"),
        # a non-default port is part of the address
        ("http://shop.example.com:8080/a", "shop.example.com:8080/a"),
        # credentials in a link are never kept
        ("https://user:secret@shop.example.com/a", "shop.example.com/a"),
        # the path keeps its case; percent-escapes and characters are one spelling
        ("https://shop.example.com/Store/ABC", "shop.example.com/Store/ABC"),
        ("https://shop.example.com/%e5%ba%97", "shop.example.com/%E5%BA%97"),
        ("https://shop.example.com/店", "shop.example.com/%E5%BA%97"),
        # full-width characters typed with a CJK input method
        (
            "ｈｔｔｐｓ：／／ＷＷＷ．ＳＨＯＰ．ＥＸＡＭＰＬＥ．ＣＯＭ／ｓｔｏｒｅ／",
            "shop.example.com/store",
        ),
        ("https://shop。example。com/store", "shop.example.com/store"),
        # IDN hosts become punycode, whichever way they were written
        ("https://店铺.例子.测试/路径/", "xn--hxtq42j.xn--fsqu00a.xn--0zwm56d/%E8%B7%AF%E5%BE%84"),
        (
            "https://xn--hxtq42j.xn--fsqu00a.xn--0zwm56d/路径",
            "xn--hxtq42j.xn--fsqu00a.xn--0zwm56d/%E8%B7%AF%E5%BE%84",
        ),
        ("https://bücher.example/laden", "xn--bcher-kva.example/laden"),
        # quotes and angle brackets from chat apps, surrounding spaces
        ("  <https://shop.example.com/a?utm_source=wechat>  ", "shop.example.com/a"),
        ("'https://m.shop.example.com/a'", "shop.example.com/a"),
        # remaining parameters are sorted, so their order does not matter
        ("https://shop.example.com/a?b=2&a=1", "shop.example.com/a?a=1&b=2"),
        ("https://shop.example.com/index.html", "shop.example.com"),
    ],
)
def test_messy_links_normalise_to_one_spelling(pasted, normalized):
    assert normalize_shop_url(pasted) == normalized


def test_the_same_shop_pasted_five_ways_is_one_address():
    spellings = [
        "https://www.harbourline.example/store/nordlicht",
        "HTTP://WWW.HARBOURLINE.EXAMPLE/store/nordlicht/",
        "harbourline.example/store/nordlicht?utm_source=newsletter&utm_medium=email",
        "https://m.harbourline.example/store/nordlicht/#top",
        "ｈａｒｂｏｕｒｌｉｎｅ．ｅｘａｍｐｌｅ/store/nordlicht?fbclid=IwAR0",
    ]
    assert {normalize_shop_url(s) for s in spellings} == {"harbourline.example/store/nordlicht"}


@pytest.mark.parametrize(
    "text",
    [
        "",
        "   ",
        "not a link",
        "javascript:alert(1)",
        "data:text/html,<script>alert(1)</script>",
        "mailto:shop@example.com",
        "ftp://files.example.com/x",
        "https://",
        "https://localhost/x",
        "https://exa mple.com/",
        "https://-bad-.example/",
        "https://a..b.example/",
        "https://shop.example.com:99999/",
        "https://exa_mple.com/",
    ],
)
def test_what_is_not_a_web_address_is_refused_with_a_reason(text):
    with pytest.raises(InvalidURL) as raised:
        normalize_shop_url(text)
    assert str(raised.value)  # a message a person can read


@pytest.mark.parametrize(
    ("typed", "normalized"),
    [
        ("91310000-MA1FL 1234x", "91310000MA1FL1234X"),
        ("９１３１００００ＭＡ１ＦＬ１２３４Ｘ", "91310000MA1FL1234X"),  # full-width
        ("9131 0000 MA1F L123 4X", "91310000MA1FL1234X"),
        ("\u200b91310000MA1FL1234X\u200e", "91310000MA1FL1234X"),  # zero-width space, LRM
        ("91310000\u00a0MA1FL1234X", "91310000MA1FL1234X"),  # no-break space
        ("91310000\u3000MA1FL1234X", "91310000MA1FL1234X"),  # ideographic space
        ("91310000—MA1FL–1234X", "91310000MA1FL1234X"),  # em and en dash
        ("HRB 123456", "HRB123456"),
        ("hrb-123456", "HRB123456"),
        ("0100-01-123456", "010001123456"),
        ("12.345.678/0001-90", "12345678000190"),  # a Brazilian CNPJ with its punctuation
        ("SC_123456", "SC123456"),
    ],
)
def test_registration_numbers_ignore_spaces_dashes_and_case(typed, normalized):
    assert normalize_registration_number(typed) == normalized


@pytest.mark.parametrize(
    "typed",
    ["", "  - . ", "HRB#123456", "No: 123", "（91310000）", "ÄBC123", "123*456", "1" * 65],
)
def test_registration_numbers_with_stray_characters_are_refused(typed):
    with pytest.raises(InvalidRegistrationNumber):
        normalize_registration_number(typed)


def test_names_fold_for_search_in_any_script():
    assert fold_for_search("  Straße   GmbH ") == "strasse gmbh"
    assert fold_for_search("ＡＢＣ　商店") == "abc 商店"
    assert fold_for_search("杭州悦购") == "杭州悦购"


@pytest.mark.parametrize(
    ("message", "link"),
    [
        # shopping apps' share messages, pasted whole
        (
            "【星河集市】悦购海外精品店 https://shop57321.xinghe-bazaar.example/?spm=a1z10 "
            "点击链接直接打开",
            "https://shop57321.xinghe-bazaar.example/?spm=a1z10",
        ),
        (
            "【京东】https://item.jd.com/100012043978.html「Example 电水壶」点击链接直接打开",
            "https://item.jd.com/100012043978.html",
        ),
        (
            "Check out this item on Amazon: https://www.amazon.com/dp/B08N5WRWNW/ref=x.",
            "https://www.amazon.com/dp/B08N5WRWNW/ref=x",
        ),
        ("看看这个（https://shop.example.com/a?id=1），不错", "https://shop.example.com/a?id=1"),
        ("ｈｔｔｐｓ：／／ｓｈｏｐ．ｅｘａｍｐｌｅ．ｃｏｍ／ａ 很好", "https://shop.example.com/a"),
        ("Nordlicht Naturkosmetik GmbH", None),
        ("", None),
    ],
)
def test_the_link_in_a_share_message_is_found(message, link):
    assert link_in_text(message) == link


# Every query parameter that only says where a click came from, by where it comes from. Two
# links that differ only by these point at the same shop or product.
TRACKING = {
    "ad networks and analytics": [
        "fbclid", "gclid", "dclid", "msclkid", "yclid", "igshid", "mc_cid", "mc_eid", "_ga",
        "_gl",
    ],
    "referrers and share buttons": [
        "ref", "ref_", "referrer", "from", "source", "sharefrom", "share_from", "share_source",
        "share_crt_v", "sp_tk", "tk",
    ],
    "AliExpress and Alibaba": [
        "spm", "scm", "pvid", "abbucket", "ali_trackid", "ali_refid", "aff_platform",
        "aff_trace_key", "algo_pvid", "algo_exp_id",
    ],
    "Taobao and Tmall share links": [
        "ut_sk", "un", "un_site", "sp_abtk", "tbsocialpopkey", "suid", "wxsign", "bxsign", "cpp",
        "shareurl", "short_name", "sourcetype", "ttid", "union_lens", "xxc",
    ],
    "JD union links": ["cu", "jd_pop", "ad_od", "pps", "wxa_abtest"],
    "Amazon search context and affiliate tags": [
        "crid", "qid", "sr", "sprefix", "keywords", "linkcode", "linkid", "ascsubtag",
    ],
    "eBay": [
        "_trkparms", "_trksid", "hash", "amdata", "mkcid", "mkrid", "mkevt", "campid", "toolid",
        "customid",
    ],
}  # fmt: skip
TRACKING_NAMES = [name for names in TRACKING.values() for name in names]
# Families of parameters named by their start (UTM, Matomo/Piwik, Baidu, Amazon placements).
TRACKING_PREFIXED = [
    "utm_source", "utm_campaign", "pk_campaign", "pk_kwd", "mtm_source", "mtm_cid", "hmsr",
    "hmpl", "hmcu", "hmkw", "hmci", "pd_rd_w", "pd_rd_r", "pf_rd_p", "pf_rd_r",
]  # fmt: skip


@pytest.mark.parametrize("name", TRACKING_NAMES + TRACKING_PREFIXED)
def test_each_tracking_parameter_is_dropped(name):
    url = f"https://shop.example.com/item?id=42&{name}=abc"
    assert normalize_shop_url(url) == "shop.example.com/item?id=42"


@pytest.mark.parametrize("name", TRACKING_NAMES + TRACKING_PREFIXED)
def test_tracking_parameters_are_dropped_in_any_case(name):
    url = f"https://shop.example.com/item?{name.upper()}=abc&id=42"
    assert normalize_shop_url(url) == "shop.example.com/item?id=42"


# Parameters that say which page or product it is stay, including names that merely resemble a
# tracking parameter.
@pytest.mark.parametrize(
    "name", ["id", "item_id", "sku", "q", "page", "color", "refid", "utm", "pk", "hm", "sources"]
)
def test_other_parameters_are_kept(name):
    url = f"https://shop.example.com/item?{name}=7"
    assert normalize_shop_url(url) == f"shop.example.com/item?{name}=7"


@pytest.mark.parametrize(
    ("pasted", "normalized"),
    [
        ("https://shop.example.com", "shop.example.com"),
        ("https://shop.example.com?id=1", "shop.example.com?id=1"),
        # a parameter without a value says nothing about the page
        ("https://shop.example.com/item?id=1&color=", "shop.example.com/item?id=1"),
        # the path keeps its case, up to its last character
        ('"https://shop.example.com/p/AX"', "shop.example.com/p/AX"),
        ("https://shop.example.com/p/AX/", "shop.example.com/p/AX"),
        ("Xbox.example.com/games", "xbox.example.com/games"),
        # the ideographic full stop a Chinese input method types, full or half width
        ("shop。example。com/a", "shop.example.com/a"),
        ("shop｡example｡com/a", "shop.example.com/a"),
        # each of the prefixes, and only one of them
        ("https://mobile.shop.example.com/a", "shop.example.com/a"),
        ("https://www.m.shop.example.com/a", "m.shop.example.com/a"),
        # a prefix is kept where without it no dot would be left
        ("https://m.example/a", "m.example/a"),
        ("https://www.example/a", "www.example/a"),
        # the default ports are dropped, another is kept
        ("http://shop.example.com:80/a", "shop.example.com/a"),
        ("https://shop.example.com:443/a", "shop.example.com/a"),
        ("https://shop.example.com:8443/a", "shop.example.com:8443/a"),
    ],
)
def test_more_spellings_of_one_address(pasted, normalized):
    assert normalize_shop_url(pasted) == normalized


@pytest.mark.parametrize(
    ("text", "reason"),
    [
        ("", "Enter a web address"),
        ("shop example.com", "Enter a web address"),
        ("javascript:alert(1)", "Only http and https"),
        ("ftp://files.example.com/x", "Only http and https"),
        ("://shop.example.com", "no valid host name"),
        ("https://localhost/x", "no valid host name"),
        ("https://.shop.example.com/", "host name is not valid"),
        ("https://a..b.example/", "host name is not valid"),
        ("https://-bad-.example/", "host name is not valid"),
        ("https://shop.example.com:99999/", "malformed"),
    ],
)
def test_the_reason_a_text_is_refused(text, reason):
    with pytest.raises(InvalidURL, match=reason):
        normalize_shop_url(text)


def test_nothing_is_no_web_address():
    with pytest.raises(InvalidURL, match="Enter a web address"):
        normalize_shop_url(None)


def test_a_link_ending_a_sentence_loses_only_the_punctuation():
    assert link_in_text("See https://shop.example.com/p/AX.") == "https://shop.example.com/p/AX"
    assert link_in_text("") is None
    assert link_in_text(None) is None


def test_registration_numbers_have_at_most_64_characters():
    assert normalize_registration_number("A" * 64) == "A" * 64
    with pytest.raises(InvalidRegistrationNumber, match="at most 64"):
        normalize_registration_number("A" * 65)


def test_nothing_folds_to_nothing():
    assert fold_for_search("") == ""
    assert fold_for_search(None) == ""
