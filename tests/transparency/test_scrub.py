"""Scrubbing a narrative before it is published: a corpus of personal data in both languages."""

from __future__ import annotations

import unicodedata

import pytest

from transparency.scrub import PLACEHOLDERS, Scrubbed, scrub

# Each case: the narrative as a consumer would write it, the scrubbed text written out by hand,
# and the personal values that must not survive. The numbers are valid where a checksum decides
# (test card numbers, the published example IBANs, identity cards with their check digit).
CORPUS: list[tuple[str, str, list[str]]] = [
    # --- English -----------------------------------------------------------------------------
    (
        "I paid with card 4111 1111 1111 1111 and the seller, Mr. Zhang Wei, never answered my "
        "email john.smith@example.com.",
        "I paid with card [[CARD NUMBER]] and the seller, Mr. [[NAME]], never answered my "
        "email [[EMAIL]].",
        ["4111 1111 1111 1111", "zhang wei", "john.smith@example.com"],
    ),
    (
        "My name is Emily Carter and my phone is (555) 123-4567. Order number: AMZ-2026-88412 "
        "was never delivered.",
        "My name is [[NAME]] and my phone is [[PHONE]]. Order number: [[ORDER NUMBER]] "
        "was never delivered.",
        ["emily carter", "123-4567", "amz-2026-88412"],
    ),
    (
        "Please ship the replacement to 221B Baker Street, London NW1 6XE. My mobile is "
        "+44 20 7946 0958.",
        "Please ship the replacement to [[ADDRESS]]. My mobile is [[PHONE]].",
        ["221b baker street", "nw1 6xe", "7946 0958"],
    ),
    (
        "The tracking number 1Z999AA10123456784 shows delivered but nothing arrived at "
        "1600 Pennsylvania Avenue NW, Washington, DC 20500.",
        "The tracking number [[TRACKING NUMBER]] shows delivered but nothing arrived at "
        "[[ADDRESS]].",
        ["1z999aa10123456784", "1600 pennsylvania", "dc 20500"],
    ),
    (
        "I wrote to the shop from sarah+refunds@mail.co.uk three times; they replied to "
        "s.lee@outlook.com instead.",
        "I wrote to the shop from [[EMAIL]] three times; they replied to [[EMAIL]] instead.",
        ["sarah+refunds@mail.co.uk", "s.lee@outlook.com"],
    ),
    (
        "They asked me to wire the difference to IBAN DE89 3704 0044 0532 0130 00, which is not "
        "my account. My IBAN is GB82 WEST 1234 5698 7654 32.",
        "They asked me to wire the difference to IBAN [[BANK ACCOUNT]], which is not "
        "my account. My IBAN is [[BANK ACCOUNT]].",
        ["de89 3704 0044 0532 0130 00", "gb82 west 1234 5698 7654 32"],
    ),
    (
        "The seller's link https://shop.example.com/orders/7781?buyer=emily.carter shows my full "
        "name. The shop is on amazon.com.",
        "The seller's link [[LINK]] shows my full name. The shop is on amazon.com.",
        ["buyer=emily.carter", "orders/7781"],
    ),
    (
        "The merchant's form asked for my SSN 536-90-4399 and a copy of my passport No. "
        "123456789, which I refused.",
        "The merchant's form asked for my SSN [[ID NUMBER]] and a copy of my passport No. "
        "[[ID NUMBER]], which I refused.",
        ["536-90-4399", "123456789"],
    ),
    (
        "Nobody called me back on 415-555-2671.\nRegards,\nDavid Miller",
        "Nobody called me back on [[PHONE]].\nRegards,\n[[NAME]]",
        ["415-555-2671", "david miller"],
    ),
    (
        "The charge appeared twice on my Amex 3782 822463 10005. I live in Apt 4B, "
        "350 Fifth Avenue, New York, NY 10118.",
        "The charge appeared twice on my Amex [[CARD NUMBER]]. I live in [[ADDRESS]].",
        ["3782 822463 10005", "apt 4b", "350 fifth avenue", "ny 10118"],
    ),
    (
        "The parcel RB987654326CN has been stuck in customs since 2026-11-08; the seller "
        "Dr. Alan Wong stopped replying.",
        "The parcel [[TRACKING NUMBER]] has been stuck in customs since 2026-11-08; the seller "
        "Dr. [[NAME]] stopped replying.",
        ["rb987654326cn", "alan wong"],
    ),
    (
        "Order #112-4455667-8899001 arrived broken. Contact: Maria Garcia, "
        "maria.garcia@example.org",
        "Order #[[ORDER NUMBER]] arrived broken. Contact: [[NAME]], [[EMAIL]]",
        ["112-4455667-8899001", "maria garcia", "maria.garcia@example.org"],
    ),
    (
        "I returned the headphones (WH-1000XM5) on 3 November.\nSigned, Peter O'Neill",
        "I returned the headphones (WH-1000XM5) on 3 November.\nSigned, [[NAME]]",
        ["peter o'neill"],
    ),
    (
        "I am Olivia Brown and I was charged USD 129.90 twice on my card 6011 1111 1111 1117.",
        "I am [[NAME]] and I was charged USD 129.90 twice on my card [[CARD NUMBER]].",
        ["olivia brown", "6011 1111 1111 1117"],
    ),
    (
        "Ms. Hannah Lee from customer service told me to send my card number "
        "5555-5555-5555-4444 by chat.",
        "Ms. [[NAME]] from customer service told me to send my card number "
        "[[CARD NUMBER]] by chat.",
        ["hannah lee", "5555-5555-5555-4444"],
    ),
    (
        "My Taobao purchase 3391827746512209 was refunded only in part, see "
        "www.taobao.com/trade/detail?id=3391827746512209.",
        "My Taobao purchase [[ORDER NUMBER]] was refunded only in part, see [[LINK]].",
        ["3391827746512209"],
    ),
    (
        "The Tokyo shop gave me the number 090-1234-5678 and the courier's waybill "
        "JD0123456789012.",
        "The Tokyo shop gave me the number [[PHONE]] and the courier's waybill "
        "[[TRACKING NUMBER]].",
        ["090-1234-5678", "jd0123456789012"],
    ),
    (
        "My shipping address is 12 Rue de Rivoli, 75001 Paris. The seller used it to send spam.",
        "My shipping address is [[ADDRESS]]. The seller used it to send spam.",
        ["12 rue de rivoli", "75001 paris"],
    ),
    (
        "A Korean seller asked for my resident number 850615-1234562; call me on 06 12 34 56 78.",
        "A Korean seller asked for my resident number [[ID NUMBER]]; call me on [[PHONE]].",
        ["850615-1234562", "06 12 34 56 78"],
    ),
    (
        "Sent from Sydney: my mobile 0412 345 678, order 7788990011.",
        "Sent from Sydney: my mobile [[PHONE]], order [[ORDER NUMBER]].",
        ["0412 345 678", "7788990011"],
    ),
    (
        "Dear Amazon, my account number 0123 4567 8901 2345 678 was debited without consent.",
        "Dear Amazon, my account number [[BANK ACCOUNT]] was debited without consent.",
        ["0123 4567 8901 2345 678"],
    ),
    (
        "Sincerely, Robert King\n55 Oak Lane, Springfield, IL 62704",
        "Sincerely, [[NAME]]\n[[ADDRESS]]",
        ["robert king", "55 oak lane", "il 62704"],
    ),
    (
        "I am writing about order 114-9988776-5544332 placed on 2026-11-08. The courier left it "
        "at Flat 12, 8 Camden Road.",
        "I am writing about order [[ORDER NUMBER]] placed on 2026-11-08. The courier left it "
        "at [[ADDRESS]].",
        ["114-9988776-5544332", "flat 12", "8 camden road"],
    ),
    (
        "The seller's e-mail, support-team@harbourgadgets.example, is fake, and the site "
        "https://harbourgadgets.example/track?email=me%40mail.com leaks my address.",
        "The seller's e-mail, [[EMAIL]], is fake, and the site [[LINK]] leaks my address.",
        ["support-team@harbourgadgets.example", "me%40mail.com"],
    ),
    (
        "Mrs. Patel's son ordered it for me; the invoice lists our home at 42 Wallaby Way.",
        "Mrs. [[NAME]]'s son ordered it for me; the invoice lists our home at [[ADDRESS]].",
        ["patel", "42 wallaby way"],
    ),
    (
        "Reach me on WeChat/Tel13800138000 any time; the photo of my ID 11010519491231002X is "
        "in the chat.",
        "Reach me on WeChat/Tel[[PHONE]] any time; the photo of my ID [[ID NUMBER]] is "
        "in the chat.",
        ["13800138000", "11010519491231002x"],
    ),
    # --- 简体中文 -----------------------------------------------------------------------------
    (
        "我的手机号是13800138000，收货地址：上海市浦东新区世纪大道100号3栋1201室，"  # noqa: RUF001
        "订单号 2026110812345678",
        "我的手机号是[[PHONE]]，收货地址：[[ADDRESS]]，订单号 [[ORDER NUMBER]]",  # noqa: RUF001
        ["13800138000", "世纪大道100号", "1201室", "2026110812345678"],
    ),
    (
        "我叫张伟，身份证号11010519491231002X，卖家要求我提供护照号E12345678。",  # noqa: RUF001
        "我叫[[NAME]]，身份证号[[ID NUMBER]]，卖家要求我提供护照号[[ID NUMBER]]。",  # noqa: RUF001
        ["张伟", "11010519491231002x", "e12345678"],
    ),
    (
        "我是李娜，快递单号SF1234567890123一直没有更新，客服王先生让我等。",  # noqa: RUF001
        "我是[[NAME]]，快递单号[[TRACKING NUMBER]]一直没有更新，客服[[NAME]]先生让我等。",  # noqa: RUF001
        ["李娜", "sf1234567890123", "王先生"],
    ),
    (
        "退款请打到我的银行卡 6222 0202 0000 0000 006，户名：陈晓明。",  # noqa: RUF001
        "退款请打到我的银行卡 [[BANK ACCOUNT]]，户名：[[NAME]]。",  # noqa: RUF001
        ["6222 0202 0000 0000 006", "陈晓明"],
    ),
    (
        "卖家发货地址是广东省深圳市南山区科技园南路8号，电话0755-8888 6666。",  # noqa: RUF001
        "卖家发货地址是[[ADDRESS]]，电话[[PHONE]]。",  # noqa: RUF001
        ["科技园南路8号", "南山区", "8888 6666"],
    ),
    (
        "我在淘宝买的奶粉（6 罐）一直没到，运单号：EE123456785CN，联系人：刘强 139 1234 5678。",  # noqa: RUF001
        "我在淘宝买的奶粉（6 罐）一直没到，运单号：[[TRACKING NUMBER]]，联系人：[[NAME]] [[PHONE]]。",  # noqa: RUF001, E501
        ["ee123456785cn", "刘强", "139 1234 5678"],
    ),
    (
        "商家让我把钱转到支付宝账号 lily.wang@163.com，说是退押金。",  # noqa: RUF001
        "商家让我把钱转到支付宝账号 [[EMAIL]]，说是退押金。",  # noqa: RUF001
        ["lily.wang@163.com"],
    ),
    (
        "收件人：赵丽颖，地址：北京市朝阳区建国路88号SOHO现代城A座1502室，电话+86 138-0013-8000。",  # noqa: RUF001
        "收件人：[[NAME]]，地址：[[ADDRESS]]，电话[[PHONE]]。",  # noqa: RUF001
        ["赵丽颖", "建国路88号", "1502室", "138-0013-8000"],
    ),
    (
        "2026年11月8日下单，订单编号 JD-20261108-5566778，价格 ¥2,399.00，至今没有发货。",  # noqa: RUF001
        "2026年11月8日下单，订单编号 [[ORDER NUMBER]]，价格 ¥2,399.00，至今没有发货。",  # noqa: RUF001
        ["jd-20261108-5566778"],
    ),
    (
        "我住在杭州市西湖区文三路90号东部软件园2号楼，快递员一直打不通我的电话。",  # noqa: RUF001
        "我住在[[ADDRESS]]，快递员一直打不通我的电话。",  # noqa: RUF001
        ["文三路90号", "软件园2号楼"],
    ),
    (
        "王女士你好，我是你们店的老客户，我的会员手机是 139-1234-5678，邮箱 wang.fang@qq.com。",  # noqa: RUF001
        "[[NAME]]女士你好，我是你们店的老客户，我的会员手机是 [[PHONE]]，邮箱 [[EMAIL]]。",  # noqa: RUF001
        ["王女士", "139-1234-5678", "wang.fang@qq.com"],
    ),
    (
        "我是消费者，11月8日在京东买了一台 iPhone 15，付款 ¥5,999.00，订单号：276543219876，"  # noqa: RUF001
        "物流单号 JDX000123456789。",
        "我是消费者，11月8日在京东买了一台 iPhone 15，付款 ¥5,999.00，订单号：[[ORDER NUMBER]]，"  # noqa: RUF001
        "物流单号 [[TRACKING NUMBER]]。",
        ["276543219876", "jdx000123456789"],
    ),
    (
        "姓名：欧阳娜娜，身份证 440305198506151233，银行账号 6212 3456 7890 1234 569。",  # noqa: RUF001
        "姓名：[[NAME]]，身份证 [[ID NUMBER]]，银行账号 [[BANK ACCOUNT]]。",  # noqa: RUF001
        ["欧阳娜娜", "440305198506151233", "6212 3456 7890 1234 569"],
    ),
    (
        "客服说我的订单 4839201746381920 已经退款，但我的信用卡 4111111111111111 没收到钱。",  # noqa: RUF001
        "客服说我的订单 [[ORDER NUMBER]] 已经退款，但我的信用卡 [[CARD NUMBER]] 没收到钱。",  # noqa: RUF001
        ["4839201746381920", "4111111111111111"],
    ),
    (
        "香港卖家的电话是 +852 9123 4567，台湾的客服电话 0912 345 678，都打不通。",  # noqa: RUF001
        "香港卖家的电话是 [[PHONE]]，台湾的客服电话 [[PHONE]]，都打不通。",  # noqa: RUF001
        ["9123 4567", "0912 345 678"],
    ),
    (
        "我叫黄小明，家住成都市武侯区人民南路四段12号，邮编610041，手机15912345678。",  # noqa: RUF001
        "我叫[[NAME]]，家住[[ADDRESS]]，邮编[[ADDRESS]]，手机[[PHONE]]。",  # noqa: RUF001
        ["黄小明", "人民南路", "四段12号", "610041", "15912345678"],
    ),
    (
        "卖家李先生要我加他微信，说发货地址写错了，让我重新填：江苏省南京市鼓楼区中山北路200号。",  # noqa: RUF001
        "卖家[[NAME]]先生要我加他微信，说发货地址写错了，让我重新填：[[ADDRESS]]。",  # noqa: RUF001
        ["李先生", "中山北路200号"],
    ),
    (
        "我的淘宝账号绑定的邮箱是 zhangsan1990＠163.com（全角），订单 TB20261108001 显示已签收。",  # noqa: RUF001
        "我的淘宝账号绑定的邮箱是 [[EMAIL]]（全角），订单 [[ORDER NUMBER]] 显示已签收。",  # noqa: RUF001
        ["zhangsan1990@163.com", "tb20261108001"],
    ),
    (
        "我的手机是１３９１２３４５６７８，请尽快联系我。",  # noqa: RUF001
        "我的手机是[[PHONE]]，请尽快联系我。",  # noqa: RUF001
        ["13912345678"],
    ),
    (
        "收货人：孙悦 广州市天河区天河路385号太古汇3楼 18612345678",  # noqa: RUF001
        "收货人：[[NAME]] [[ADDRESS]] [[PHONE]]",  # noqa: RUF001
        ["孙悦", "天河路385号", "太古汇3楼", "18612345678"],
    ),
    (
        "联系电话：021-6888 8888，联系人：周杰，邮箱：zhoujie@sina.com.cn",  # noqa: RUF001
        "联系电话：[[PHONE]]，联系人：[[NAME]]，邮箱：[[EMAIL]]",  # noqa: RUF001
        ["6888 8888", "周杰", "zhoujie@sina.com.cn"],
    ),
    (
        "我叫吴敏，是一名学生。我在拼多多下单，订单号：230818-0987654321，付款 129.90 元，"  # noqa: RUF001
        "到现在没有发货。",
        "我叫[[NAME]]，是一名学生。我在拼多多下单，订单号：[[ORDER NUMBER]]，付款 129.90 元，"  # noqa: RUF001
        "到现在没有发货。",
        ["吴敏", "230818-0987654321"],
    ),
    (
        "退款请汇入工商银行卡号 6222020200000000006，开户人：郑凯。",  # noqa: RUF001
        "退款请汇入工商银行卡号 [[BANK ACCOUNT]]，开户人：[[NAME]]。",  # noqa: RUF001
        ["6222020200000000006", "郑凯"],
    ),
    (
        "对方让我扫码付款，网址是 http://pay.example.cn/qr?uid=889977&name=zhangwei ，我没有付。",  # noqa: RUF001
        "对方让我扫码付款，网址是 [[LINK]] ，我没有付。",  # noqa: RUF001
        ["uid=889977", "zhangwei"],
    ),
    (
        "我家在上海市徐汇区漕溪北路595弄3号601室，快递放在门口被偷了。",  # noqa: RUF001
        "我家在[[ADDRESS]]，快递放在门口被偷了。",  # noqa: RUF001
        ["漕溪北路", "595弄", "601室"],
    ),
    (
        "卖家张先生的手机 13612345678 已经停机，他的店铺在 taobao.com 上还开着。",  # noqa: RUF001
        "卖家[[NAME]]先生的手机 [[PHONE]] 已经停机，他的店铺在 taobao.com 上还开着。",  # noqa: RUF001
        ["张先生", "13612345678"],
    ),
    (
        "身份证复印件上的号码 360426199101010071 被卖家发到了群里。",
        "身份证复印件上的号码 [[ID NUMBER]] 被卖家发到了群里。",
        ["360426199101010071"],
    ),
    # --- mixed ---------------------------------------------------------------------------------
    (
        "I bought 6 罐 of formula on Taobao, 订单号 2026110812345678. My name is Li Na, "
        "phone 13800138000.",
        "I bought 6 罐 of formula on Taobao, 订单号 [[ORDER NUMBER]]. My name is [[NAME]], "
        "phone [[PHONE]].",
        ["2026110812345678", "li na", "13800138000"],
    ),
    (
        "收件人 Chen Jie, address: 88 Queen's Road Central, Hong Kong; phone +852 2345 6789.",
        "收件人 [[NAME]], address: [[ADDRESS]]; phone [[PHONE]].",
        ["chen jie", "88 queen's road", "2345 6789"],
    ),
    (
        "The seller 王先生 sent it with tracking 运单号 YT7521234567890 to 北京市海淀区中关村大街27号.",  # noqa: E501
        "The seller [[NAME]]先生 sent it with tracking 运单号 [[TRACKING NUMBER]] to [[ADDRESS]].",
        ["王先生", "yt7521234567890", "中关村大街27号"],
    ),
    (
        "Contact me at mei.chen@example.com or 微信同手机 159 8765 4321; card ending 1111 is fine.",
        "Contact me at [[EMAIL]] or 微信同手机 [[PHONE]]; card ending 1111 is fine.",
        ["mei.chen@example.com", "159 8765 4321"],
    ),
    (
        "我的 PayPal 是 jason.wu@gmail.com, and my US number is +1 415-555-2671.",
        "我的 PayPal 是 [[EMAIL]], and my US number is [[PHONE]].",
        ["jason.wu@gmail.com", "415-555-2671"],
    ),
    (
        "订单 order no. 58210394 was charged to my Visa 4111-1111-1111-1111, 持卡人：林志强。",  # noqa: RUF001
        "订单 order no. [[ORDER NUMBER]] was charged to my Visa [[CARD NUMBER]], 持卡人：[[NAME]]。",  # noqa: RUF001, E501
        ["58210394", "4111-1111-1111-1111", "林志强"],
    ),
]


def _fold(text: str) -> str:
    return unicodedata.normalize("NFKC", text).casefold()


@pytest.mark.parametrize(("narrative", "expected", "values"), CORPUS)
def test_corpus_narrative_is_scrubbed_to_the_expected_text(narrative, expected, values):
    assert scrub(narrative).text == expected


@pytest.mark.parametrize(("narrative", "expected", "values"), CORPUS)
def test_no_personal_value_of_the_corpus_survives(narrative, expected, values):
    published = _fold(scrub(narrative).text)
    for value in values:
        assert _fold(value) not in published, value


def test_the_corpus_is_about_half_english_and_half_chinese():
    han = [n for n, _, _ in CORPUS if any("\u4e00" <= c <= "\u9fff" for c in n)]
    assert len(CORPUS) >= 40
    assert len(han) >= 20
    assert len(CORPUS) - len(han) >= 20


NOT_PERSONAL = [
    "I paid ¥2,399.00 on 2026-11-08 and another USD 129.90 on 2026/11/09.",
    "11月8日下单，买了 6 罐奶粉，每罐 399 元。",  # noqa: RUF001
    "订单金额 ¥1,299.00，2026年11月8日 10:30 下单。",  # noqa: RUF001
    "The iPhone 15 and the WH-1000XM5 headphones arrived broken.",
    "My MacBook Air M2 8GB arrived with a dent, and so did the M3 1TB.",
    "我是消费者，卖家一直不回复。",  # noqa: RUF001
    "我是高中生，零花钱有限。",  # noqa: RUF001
    "我是王者荣耀玩家，充值没到账。",  # noqa: RUF001
    "我叫了客服三次，我不知道3号能不能到。",  # noqa: RUF001
    "卖家说是正品，我是在官方旗舰店买的。",  # noqa: RUF001
    "他们的地址不对，我在超市买的更便宜。",  # noqa: RUF001
    "我住在上海市，快递到了北京。",  # noqa: RUF001
    "The seller said the refund would take 7 to 10 days.",
    "I called 10 times and waited 3 weeks for 2 boxes.",
    "I bought it on Taobao, then again on Amazon and on taobao.com.",
    "See https://www.amazon.com/ or http://jd.com for the shop.",
    "The order was late; I will order again only if the tracking page works.",
    "I am very unhappy with the Sony headphones, model A1234, version 2.0.1.",
    "Shop name: Harbour Gadgets. The card ending 1111 was charged GBP 45.00.",
    "My email address was wrong on the invoice.",
    "The package weighs 1.5 kg, measures 30 x 20 x 10 cm and cost 1,250 yen.",
    "第3次联系客服，等了15天，退款 ¥88.50。",  # noqa: RUF001
]


@pytest.mark.parametrize("narrative", NOT_PERSONAL)
def test_text_without_personal_data_is_left_alone(narrative):
    assert scrub(narrative) == Scrubbed(text=narrative, found=())


def test_a_long_number_that_fails_the_luhn_check_is_not_called_a_card():
    result = scrub("The receipt reference is 4111 1111 1111 1112.")
    assert result == Scrubbed(text="The receipt reference is [[ORDER NUMBER]].", found=("order",))


def test_found_lists_the_kinds_in_order_of_first_appearance_once_each():
    result = scrub(
        "Call 13800138000 or 13900139000, or write to a@example.com; my name is Li Na, "
        "phone again 13800138000."
    )
    assert result.found == ("phone", "email", "name")


def test_placeholders_are_a_plain_mapping_of_every_kind():
    assert PLACEHOLDERS == {
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


def test_known_values_go_in_any_case_and_width():
    result = scrub(
        "The seller ＺＨＡＮＧ　ＷＥＩ (zhang wei) shipped order ｔｂ-20261108-0001 late; "  # noqa: RUF001
        "my account MeiMei88 shows it. Tracking ＹＴ７５２１２３４５６７８９０ too.",  # noqa: RUF001
        known=[
            ("name", "Zhang Wei"),
            ("name", "meimei88"),
            ("order", "TB-20261108-0001"),
            ("tracking", "YT7521234567890"),
        ],
    )
    assert result.text == (
        "The seller [[NAME]] ([[NAME]]) shipped order [[ORDER NUMBER]] late; "
        "my account [[NAME]] shows it. Tracking [[TRACKING NUMBER]] too."
    )
    assert result.found == ("name", "order", "tracking")


def test_a_known_number_goes_when_written_with_other_separators():
    result = scrub("订单 2026 1108 1234 5678 还没发货", known=[("order", "2026110812345678")])
    assert result.text == "订单 [[ORDER NUMBER]] 还没发货"


def test_known_chinese_names_go_without_a_cue():
    result = scrub("卖家张伟说已经发货，张伟的店在淘宝。", known=[("name", "张伟")])  # noqa: RUF001
    assert result.text == "卖家[[NAME]]说已经发货，[[NAME]]的店在淘宝。"  # noqa: RUF001


def test_a_known_latin_value_is_not_matched_inside_a_word():
    result = scrub("Li said Lisa would call.", known=[("name", "Li")])
    assert result.text == "[[NAME]] said Lisa would call."


def test_known_values_shorter_than_two_characters_are_ignored():
    assert scrub("A bought a box.", known=[("name", "A"), ("name", " ")]).text == "A bought a box."


def test_a_known_value_of_an_unknown_kind_is_refused():
    with pytest.raises(ValueError, match="unknown kind 'nickname'"):
        scrub("text", known=[("nickname", "meimei")])


def test_the_original_characters_are_kept_outside_the_replaced_spans():
    # NFKC turns the ligature into two letters and the full-width digits into ASCII: the
    # published text keeps what the consumer wrote around the phone number.
    result = scrub("The ﬁrst call to １３８００１３８０００ — José’s shop — failed.")  # noqa: RUF001
    assert result.text == "The ﬁrst call to [[PHONE]] — José’s shop — failed."  # noqa: RUF001


@pytest.mark.parametrize(
    "chunk",
    ["1234567890", "a1", "12 34 ", "ab12-", "Mr. A ", "订单号1", "北京市朝阳区", "x@", "www.a"],
)
def test_a_long_pasted_text_is_scrubbed_in_bounded_time(chunk):
    text = chunk * (100_000 // len(chunk))
    result = scrub(text)
    assert isinstance(result.text, str)
