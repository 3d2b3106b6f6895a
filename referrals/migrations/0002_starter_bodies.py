"""The starter set of referral bodies (docs/referrals.md): each with its official website, the
source of what is said about it, and only facts that source states. No contact address is
given where the body does not publish one for case submissions: the page links its site.

Staff keep the list in the admin afterwards; this migration only adds the bodies it does not
find by name, and removing it leaves bodies staff have edited alone.
"""

from django.db import migrations

from accounts.roles import MEDIATORS_GROUP, grant_group_permissions

EU = [
    "AT",
    "BE",
    "BG",
    "HR",
    "CY",
    "CZ",
    "DK",
    "EE",
    "FI",
    "FR",
    "DE",
    "GR",
    "HU",
    "IE",
    "IT",
    "LV",
    "LT",
    "LU",
    "MT",
    "NL",
    "PL",
    "PT",
    "RO",
    "SK",
    "SI",
    "ES",
    "SE",
]
EEA_EXTRA = ["IS", "NO"]
EU_WITHOUT_DK = [c for c in EU if c != "DK"]

BODIES = [
    {
        "name": "European Consumer Centres Network (ECC-Net)",
        "name_zh": "欧洲消费者中心网络（ECC-Net）",
        "kind": "ecc_network",
        "serves_all_countries": False,
        "countries": ",".join(EU + EEA_EXTRA),
        "serves_all_trader_countries": False,
        "trader_countries": ",".join(EU + EEA_EXTRA),
        "cross_border_only": True,
        "channels": "web_form",
        "website": "https://commission.europa.eu/live-work-travel-eu/consumer-rights-and-complaints/resolve-your-consumer-complaint/european-consumer-centres-network-ecc-net_en",
        "source": "https://commission.europa.eu/live-work-travel-eu/consumer-rights-and-complaints/resolve-your-consumer-complaint/european-consumer-centres-network-ecc-net_en",
        "free_of_charge": True,
        "legal_basis": "Regulation (EU) 2021/690 (Single Market Programme), which co-funds the network",
        "notes": (
            "One centre in each EU country, Iceland and Norway helps consumers of that country "
            "with a trader in another of these countries. Contact the centre of your own country "
            "through its website."
        ),
        "notes_zh": (
            "欧盟各国及冰岛、挪威各有一个中心，帮助本国消费者处理与其他上述国家商家的纠纷。"
            "请通过本国中心的网站联系。"
        ),
    },
    {
        "name": "econsumer.gov",
        "name_zh": "econsumer.gov（国际消费者投诉网站）",
        "kind": "international_portal",
        "serves_all_countries": True,
        "serves_all_trader_countries": True,
        "cross_border_only": True,
        "channels": "web_form",
        "website": "https://www.econsumer.gov/",
        "source": "https://www.econsumer.gov/",
        "free_of_charge": True,
        "legal_basis": "A project of consumer protection agencies of the International Consumer "
        "Protection and Enforcement Network (ICPEN)",
        "notes": (
            "Takes reports about international scams and online shopping problems and shares "
            "them with the consumer protection agencies taking part. It does not resolve "
            "individual complaints."
        ),
        "notes_zh": (
            "受理跨境诈骗和网购问题的举报，并与参与的各国消费者保护机构共享。它不处理个人投诉的"
            "具体解决。"
        ),
    },
    {
        "name": "National 12315 Platform (State Administration for Market Regulation)",
        "name_zh": "全国12315平台（国家市场监督管理总局）",
        "kind": "consumer_authority",
        "serves_all_countries": True,
        "serves_all_trader_countries": False,
        "trader_countries": "CN",
        "channels": "web_form,phone",
        "languages": "Chinese",
        "website": "https://www.12315.cn/",
        "source": "https://www.12315.cn/",
        "legal_basis": "Interim Measures for Handling Complaints and Reports in Market Regulation "
        "(SAMR Order No. 20, 2019)",
        "notes": (
            "The market regulators' national platform for complaints about businesses in "
            "mainland China; the regulator where the business is located handles the complaint "
            "and may mediate."
        ),
        "notes_zh": "市场监管部门受理针对中国大陆经营者投诉的全国平台；由经营者所在地的市场监管部门处理，并可组织调解。",
    },
    {
        "name": "China Consumers Association",
        "name_zh": "中国消费者协会",
        "kind": "consumer_association",
        "serves_all_countries": True,
        "serves_all_trader_countries": False,
        "trader_countries": "CN",
        "channels": "web_form",
        "languages": "Chinese",
        "website": "https://www.cca.org.cn/",
        "source": "https://www.cca.org.cn/",
        "legal_basis": "PRC Consumer Rights Protection Law, art. 37(5): consumer associations "
        "accept consumers' complaints, investigate and mediate them",
        "notes": "Consumer associations at every level take complaints and mediate.",
        "notes_zh": "各级消费者协会受理消费者投诉并进行调解。",
    },
    {
        "name": "European Small Claims Procedure",
        "name_zh": "欧洲小额诉讼程序",
        "kind": "small_claims",
        "serves_all_countries": False,
        "countries": ",".join(EU_WITHOUT_DK),
        "serves_all_trader_countries": False,
        "trader_countries": ",".join(EU_WITHOUT_DK),
        "cross_border_only": True,
        "max_amount": "5000.00",
        "max_amount_currency": "EUR",
        "channels": "post",
        "website": "https://e-justice.europa.eu/42/EN/small_claims",
        "source": "https://e-justice.europa.eu/42/EN/small_claims",
        "legal_basis": "Regulation (EC) No 861/2007, as amended by Regulation (EU) 2015/2421; "
        "claims up to EUR 5,000 (art. 2(1)); not in Denmark (art. 2(3)); cross-border cases "
        "only (art. 3)",
        "notes": (
            "A written court procedure with standard forms, filed with the competent court of "
            "an EU country (Denmark excepted). Court fees depend on the country."
        ),
        "notes_zh": "一种使用标准表格的书面诉讼程序，向欧盟国家（丹麦除外）的主管法院提交。诉讼费用因国而异。",
    },
    {
        "name": "Hangzhou Internet Court",
        "name_zh": "杭州互联网法院",
        "kind": "internet_court",
        "serves_all_countries": True,
        "serves_all_trader_countries": False,
        "trader_countries": "CN",
        "channels": "web_form",
        "languages": "Chinese",
        "website": "https://www.netcourt.gov.cn/",
        "source": "https://www.netcourt.gov.cn/",
        "legal_basis": "Provisions of the Supreme People's Court on Several Issues Concerning the "
        "Trial of Cases by Internet Courts (2018), art. 2(1): disputes over online shopping "
        "contracts concluded and performed through e-commerce platforms",
        "notes": (
            "Hears, online, first-instance cases that belong to the courts of Hangzhou: for "
            "example where the defendant is domiciled there or the contract was performed there."
        ),
        "notes_zh": "在线审理应由杭州市辖区内基层人民法院受理的第一审案件，例如被告住所地或合同履行地在杭州。",
    },
    {
        "name": "Beijing Internet Court",
        "name_zh": "北京互联网法院",
        "kind": "internet_court",
        "serves_all_countries": True,
        "serves_all_trader_countries": False,
        "trader_countries": "CN",
        "channels": "web_form",
        "languages": "Chinese",
        "website": "https://www.bjinternetcourt.gov.cn/",
        "source": "https://www.bjinternetcourt.gov.cn/",
        "legal_basis": "Provisions of the Supreme People's Court on Several Issues Concerning the "
        "Trial of Cases by Internet Courts (2018), art. 2(1)",
        "notes": "Hears, online, first-instance cases that belong to the courts of Beijing.",
        "notes_zh": "在线审理应由北京市辖区内基层人民法院受理的第一审案件。",
    },
    {
        "name": "Guangzhou Internet Court",
        "name_zh": "广州互联网法院",
        "kind": "internet_court",
        "serves_all_countries": True,
        "serves_all_trader_countries": False,
        "trader_countries": "CN",
        "channels": "web_form",
        "languages": "Chinese",
        "website": "https://www.gzinternetcourt.gov.cn/",
        "source": "https://www.gzinternetcourt.gov.cn/",
        "legal_basis": "Provisions of the Supreme People's Court on Several Issues Concerning the "
        "Trial of Cases by Internet Courts (2018), art. 2(1)",
        "notes": "Hears, online, first-instance cases that belong to the courts of Guangzhou.",
        "notes_zh": "在线审理应由广州市辖区内基层人民法院受理的第一审案件。",
    },
    {
        "name": "ReportFraud.ftc.gov (US Federal Trade Commission)",
        "name_zh": "ReportFraud.ftc.gov（美国联邦贸易委员会）",
        "kind": "consumer_authority",
        "serves_all_countries": False,
        "countries": "US",
        "serves_all_trader_countries": True,
        "channels": "web_form",
        "website": "https://reportfraud.ftc.gov/",
        "source": "https://reportfraud.ftc.gov/",
        "free_of_charge": True,
        "notes": (
            "Takes reports of fraud and bad business practices; the FTC uses them in its law "
            "enforcement and does not resolve individual complaints."
        ),
        "notes_zh": "受理欺诈和不良商业行为的举报；联邦贸易委员会将其用于执法，不处理个人投诉的具体解决。",
    },
]


MEDIATOR_PERMISSIONS = [
    "referrals.view_referralbody",
    "referrals.add_referralbody",
    "referrals.change_referralbody",
]


def seed(apps, schema_editor):
    grant_group_permissions(apps, MEDIATORS_GROUP, MEDIATOR_PERMISSIONS)
    ReferralBody = apps.get_model("referrals", "ReferralBody")
    for fields in BODIES:
        if not ReferralBody.objects.filter(name=fields["name"]).exists():
            ReferralBody.objects.create(**fields)


class Migration(migrations.Migration):
    dependencies = [("referrals", "0001_initial"), ("accounts", "0002_mediators_group")]

    operations = [migrations.RunPython(seed, migrations.RunPython.noop)]
