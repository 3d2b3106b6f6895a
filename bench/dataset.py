"""The benchmark's dataset, built in PostgreSQL with set-based inserts (INSERT ... SELECT over
generate_series): users, merchants with their roles, shops, links and disclosure versions,
complaints with respondents and evidence, cases over two years with their events, settlements
and ratings.

Every value is a pure function of the row number (hashint8extended as the random source), so
two builds at one scale and one ``now`` are identical, and the statements that insert related
rows (a complaint, its respondents, its case) recompute the same choices. Rows follow the models'
rules (choices, constraints, the derived columns the services keep: completeness, search_text,
normalised numbers and links, references) so that the real services and pages work on them.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime

from django.db import connection

from complaints.models import RIGHT_FOR_CATEGORY, Category
from core.integrity import EMPTY_TEXT_DIGEST
from credit import method
from merchants.integrity import DISCLOSURE_VERSIONS
from odr.integrity import CASE_EVENTS

DISCLOSURE_CHAIN = DISCLOSURE_VERSIONS.kind
EVENT_CHAIN = CASE_EVENTS.kind

# The merchants' countries other than China (Chinese names get CN).
COUNTRIES = ("US", "GB", "DE", "JP", "KR", "HK", "FR", "IT", "NL", "SG")
CURRENCIES = (("EUR", 0.30), ("USD", 0.55), ("CNY", 0.80), ("GBP", 0.90), ("JPY", 1.0))
PAYMENT_METHODS = ("card", "alipay", "wechat_pay", "paypal", "bank_transfer", "platform_wallet")
REMEDIES = ("refund", "partial_refund", "replacement", "repair", "compensation")
# Tables the build fills in bulk (their plain indexes are rebuilt afterwards).
LOADED_TABLES = (
    "accounts_user",
    "merchants_merchant",
    "merchants_merchantroleassignment",
    "merchants_disclosureversion",
    "merchants_shop",
    "merchants_merchantlink",
    "complaints_complaint",
    "complaints_respondent",
    "complaints_evidenceitem",
    "odr_case",
    "odr_caseevent",
    "odr_settlement",
    "odr_caserating",
    "transparency_opencomplaint",
)
EXPIRING_STATES = ("awaiting_merchant", "negotiation", "mediation", "settled", "escalated")


@dataclass(frozen=True)
class Scale:
    name: str
    merchants: int
    complaints: int
    # Open cases whose deadline has passed, for the deadline sweep.
    overdue: int
    mediators: int
    platforms: int
    carriers: int
    # Complaints of the bench consumer (bench-consumer@redress.test): the longest "My complaints".
    heavy_consumer_complaints: int
    # Shops of each of the ten sellers with the most complaints (their pages have most rows).
    heavy_shops: int
    # Disclosure versions of those ten sellers.
    heavy_versions: int

    @property
    def sellers(self) -> int:
        return self.merchants - self.platforms - self.carriers

    @property
    def consumers(self) -> int:
        # About five complaints per consumer on average (most have one or two).
        return max(1, self.complaints // 5)


SCALES = {
    "full": Scale("full", 100_000, 1_000_000, 10_000, 20, 20, 50, 2_000, 40, 12),
    "small": Scale("small", 2_000, 20_000, 1_000, 5, 5, 5, 200, 40, 12),
    # "10 rows": every page shows ten rows (ten merchants, ten cases, ten complaints).
    "rows10": Scale("rows10", 10, 10, 0, 1, 1, 1, 10, 10, 10),
}

BENCH_CONSUMER_EMAIL = "bench-consumer@redress.test"
BENCH_MEDIATOR_EMAIL = "bench-mediator@redress.test"


def _utc(expr: str) -> str:
    """SQL of a timestamp as the hash chains write it: UTC, microseconds, Z."""
    return f"to_char(({expr}) AT TIME ZONE 'UTC', 'YYYY-MM-DD\"T\"HH24:MI:SS.US\"Z\"')"


# RFC 8785 JSON of a jsonb value, as core.integrity.jcs writes it for the values stored here
# (sorted keys, no spaces, strings escaped as JSON does, integers): for the disclosure
# snapshots, whose shape varies; the events' data are written out directly.
JCS_FUNCTION = """
CREATE FUNCTION pg_temp.bench_jcs(j jsonb) RETURNS text LANGUAGE plpgsql IMMUTABLE AS $$
BEGIN
    CASE jsonb_typeof(j)
    WHEN 'object' THEN
        RETURN '{' || coalesce((SELECT string_agg(to_json(key)::text || ':'
                                                  || pg_temp.bench_jcs(value), ','
                                                  ORDER BY key COLLATE "C")
                                FROM jsonb_each(j)), '') || '}';
    WHEN 'array' THEN
        RETURN '[' || coalesce((SELECT string_agg(pg_temp.bench_jcs(value), ',' ORDER BY n)
                                FROM jsonb_array_elements(j) WITH ORDINALITY AS e(value, n)),
                               '') || ']';
    ELSE
        RETURN j::text;
    END CASE;
END
$$
"""


def rnd(expr: str, salt: int) -> str:
    """SQL for a uniform number in [0, 1) that depends only on ``expr`` and ``salt``."""
    return f"((hashint8extended(({expr})::bigint, {salt}) & 2147483647)::float8 / 2147483648.0)"


def _display(alias: str) -> str:
    """Merchant.display_name in SQL: the legal name, with its Latin form when it differs."""
    return (
        f"CASE WHEN {alias}.legal_name_latin <> '' AND {alias}.legal_name_latin <> "
        f"{alias}.legal_name THEN {alias}.legal_name || ' (' || {alias}.legal_name_latin || ')' "
        f"ELSE {alias}.legal_name END"
    )


def _pick(u: str, values: tuple[str, ...]) -> str:
    """SQL choosing one of ``values`` evenly by the uniform number ``u``."""
    whens = " ".join(
        f"WHEN {u} < {(n + 1) / len(values)!r} THEN '{v}'" for n, v in enumerate(values[:-1])
    )
    return f"(CASE {whens} ELSE '{values[-1]}' END)"


@dataclass
class Build:
    scale: Scale
    now: datetime
    log: Callable[[str], None] = print

    def __post_init__(self):
        self.timings: dict[str, float] = {}
        # A literal, not a parameter: the statements are plain SQL with no placeholders.
        self.NOW = f"'{self.now.isoformat()}'::timestamptz"

    # --- helpers --------------------------------------------------------------------------

    def _run(self, label: str, sql: str, params=None) -> int:
        started = time.perf_counter()
        with connection.cursor() as cursor:
            cursor.execute(sql, params)
            count = cursor.rowcount
        elapsed = time.perf_counter() - started
        self.timings[label] = round(self.timings.get(label, 0.0) + elapsed, 3)
        self.log(f"  {label:<28} {max(count, 0):>10,} rows {elapsed:7.2f} s")
        return count

    def _scalar(self, sql: str, params=None):
        with connection.cursor() as cursor:
            cursor.execute(sql, params)
            return cursor.fetchone()[0]

    def _base(self, table: str) -> int:
        return self._scalar(f"SELECT coalesce(max(id), 0) FROM {table}")

    # --- the build ------------------------------------------------------------------------

    def run(self) -> dict:
        s = self.scale
        self.log(
            f"Building the {s.name} dataset: {s.merchants:,} merchants, {s.complaints:,} "
            f"complaints ({s.overdue:,} overdue cases)"
        )
        started = time.perf_counter()
        with connection.cursor() as cursor:
            # The build is one batch job: no need to wait for the WAL flush of each statement.
            cursor.execute("SET LOCAL synchronous_commit = off")
            # Foreign keys are checked once per table after the load (_check_foreign_keys), not
            # by a trigger per row: millions of single-row lookups would take most of the build.
            cursor.execute("SET LOCAL session_replication_role = replica")
            cursor.execute("SET LOCAL work_mem = '256MB'")
            # Compiling these one-off statements costs more than it saves.
            cursor.execute("SET LOCAL jit = off")
            cursor.execute("DROP FUNCTION IF EXISTS pg_temp.bench_jcs(jsonb)")
            cursor.execute(JCS_FUNCTION)
        self.ubase = self._base("accounts_user")
        self.mbase = self._base("merchants_merchant")
        self.cbase = self._base("complaints_complaint")
        self.kbase = self._base("odr_case")
        self.group_id = self._scalar("SELECT id FROM auth_group WHERE name = 'mediators'")
        indexes = self._drop_indexes()
        # User ids: 1 the bench consumer, then the other consumers, the mediators, the reps.
        self.consumer0 = self.ubase + 1
        self.med0 = self.ubase + 1 + s.consumers
        self.rep0 = self.med0 + s.mediators
        self.reps = (s.sellers + 9) // 10
        self._users()
        self._merchants()
        self._shops_and_links()
        self._complaints()
        self._plan()
        self._events()
        self._cases()
        self._open_data()
        self._overdue()
        self._sequences()
        self._create_indexes(indexes)
        self._check_foreign_keys()
        total = time.perf_counter() - started
        self.log(f"  {'total':<28} {'':>10}      {total:7.2f} s")
        return {"seconds": round(total, 2), "steps": self.timings}

    def _users(self):
        s = self.scale
        common = "password, is_superuser, is_active, date_joined, email_verified_at, last_login"
        joined = f"{self.NOW} - interval '900 days'"
        self._run(
            "users: consumers",
            f"""
            INSERT INTO accounts_user (id, email, full_name, role, preferred_language, is_staff,
                                       {common})
            SELECT {self.ubase} + n,
                   CASE WHEN n = 1 THEN '{BENCH_CONSUMER_EMAIL}'
                        ELSE 'consumer' || n || '@bench.redress.test' END,
                   'Consumer ' || n, 'consumer',
                   CASE WHEN {rnd("n", 40)} < 0.25 THEN 'zh-hans' ELSE 'en' END, false,
                   '!bench', false, true, {joined}, {joined}, NULL
            FROM generate_series(1, {s.consumers}) AS n
            """,
        )
        self._run(
            "users: mediators",
            f"""
            INSERT INTO accounts_user (id, email, full_name, role, preferred_language, is_staff,
                                       {common})
            SELECT {self.med0} + n,
                   CASE WHEN n = 0 THEN '{BENCH_MEDIATOR_EMAIL}'
                        ELSE 'mediator' || n || '@bench.redress.test' END,
                   'Mediator ' || n, 'mediator', CASE WHEN n % 3 = 2 THEN 'zh-hans' ELSE 'en' END,
                   true, '!bench', false, true, {joined}, {joined}, NULL
            FROM generate_series(0, {s.mediators - 1}) AS n
            """,
        )
        self._run(
            "users: mediators group",
            f"""
            INSERT INTO accounts_user_groups (user_id, group_id)
            SELECT {self.med0} + n, {self.group_id} FROM generate_series(0, {s.mediators - 1}) n
            """,
        )
        self._run(
            "users: representatives",
            f"""
            INSERT INTO accounts_user (id, email, full_name, role, preferred_language, is_staff,
                                       {common})
            SELECT {self.rep0} + n, 'rep' || n || '@bench.redress.test', 'Representative ' || n,
                   'merchant_rep', 'en', false, '!bench', false, true, {joined}, {joined}, NULL
            FROM generate_series(0, {self.reps - 1}) AS n
            """,
        )

    # --- merchants ------------------------------------------------------------------------

    def _role_sql(self, m: str) -> str:
        """The role of merchant number ``m`` (1-based, before the id offset)."""
        s = self.scale
        u = rnd(m, 21)
        return (
            f"(CASE WHEN {m} <= {s.platforms} THEN 'platform' "
            f"WHEN {m} <= {s.platforms + s.carriers} THEN 'carrier' "
            f"WHEN {u} < 0.6 THEN 'supplier' WHEN {u} < 0.8 THEN 'agent_spot' "
            f"ELSE 'agent_non_spot' END)"
        )

    def _merchants(self):
        s = self.scale
        first_seller = s.platforms + s.carriers + 1
        chinese = "(g.u_chinese < 0.2)"
        complete = "(g.u_complete < 0.8)"
        self._run(
            "merchants",
            f"""
            INSERT INTO merchants_merchant (
                id, public_id, legal_name, legal_name_latin, trade_names, country,
                registration_number, registration_number_normalized, registry,
                registered_address, responsible_person, contact_email, contact_phone, website,
                date_established, annual_order_volume, search_text, completeness,
                disclosure_version, verification_state, verified_at, verification_expires_at,
                verified_by_id, verification_note, verified_version, created_at, updated_at,
                disclosure_head)
            SELECT {self.mbase} + m, md5('merchant:' || m)::uuid,
                   x.legal_name, x.latin, x.trade_names, x.country,
                   x.reg, x.reg, x.registry, x.address, x.person,
                   'contact' || m || '@merchant' || m || '.example.com',
                   '+1 555 ' || lpad(m::text, 7, '0'),
                   'https://merchant' || m || '.example.com',
                   date '2010-01-01' + (m % 3650),
                   CASE WHEN g.u_declared < 0.6
                        THEN 1000 + floor(power(g.u_volume, 2) * 1000000)::int END,
                   concat_ws(E'\\n', lower(x.legal_name), nullif(lower(x.latin), ''),
                             CASE WHEN x.trade_names <> '[]'::jsonb
                                  THEN lower(x.trade_names ->> 0) END),
                   CASE WHEN x.complete THEN 100 ELSE 78 END,
                   CASE WHEN m BETWEEN {first_seller} AND {first_seller + 9}
                        THEN {s.heavy_versions} ELSE 1 END,
                   x.vstate,
                   CASE WHEN x.vstate = 'verified' THEN x.verified_at END,
                   CASE WHEN x.vstate = 'verified' THEN x.verified_at + interval '365 days' END,
                   CASE WHEN x.vstate = 'verified' THEN {self.med0} END,
                   '',
                   CASE WHEN x.vstate = 'verified' THEN 1 END,
                   {self.NOW} - interval '800 days',
                   {self.NOW} - interval '800 days',
                   ''
            FROM (
                SELECT m, {rnd("m", 23)} AS u_chinese, {rnd("m", 24)} AS u_complete,
                       {rnd("m", 25)} AS u_declared, {rnd("m", 26)} AS u_volume,
                       {rnd("m", 27)} AS u_brand, {rnd("m", 28)} AS u_country,
                       {rnd("m", 29)} AS u_verified, {rnd("m", 30)} AS u_verified_at
                FROM generate_series(1, {s.merchants}) AS m
                OFFSET 0
            ) AS g
            CROSS JOIN LATERAL (
                SELECT
                    CASE WHEN {chinese} THEN '深圳市' || m || '号贸易有限公司'
                         WHEN m <= {s.platforms} THEN 'Bench Marketplace ' || m || ' Inc.'
                         WHEN m <= {s.platforms + s.carriers}
                             THEN 'Bench Logistics ' || m || ' Ltd'
                         ELSE 'Bench Trading ' || m || ' Ltd' END AS legal_name,
                    CASE WHEN {chinese} THEN 'Shenzhen No. ' || m || ' Trading Co., Ltd.'
                         ELSE '' END AS latin,
                    CASE WHEN g.u_brand < 0.3 THEN jsonb_build_array('Brand ' || m)
                         ELSE '[]'::jsonb END AS trade_names,
                    CASE WHEN {chinese} THEN 'CN' ELSE {_pick("g.u_country", COUNTRIES)} END
                        AS country,
                    CASE WHEN {chinese} THEN '91' || lpad(m::text, 16, '0')
                         ELSE 'REG' || lpad(m::text, 9, '0') END AS reg,
                    CASE WHEN {complete} THEN 'Registry of companies' ELSE '' END AS registry,
                    m || ' Bench Street, Bench City' AS address,
                    CASE WHEN {complete} THEN 'Person ' || m ELSE '' END AS person,
                    {complete} AS complete,
                    CASE WHEN {complete} AND g.u_verified < 0.5 THEN 'verified'
                         WHEN g.u_verified < 0.6 THEN 'pending'
                         ELSE 'unverified' END AS vstate,
                    {self.NOW} - (g.u_verified_at * 300) * interval '1 day'
                        AS verified_at
                OFFSET 0
            ) AS x
            """,
        )
        self._run(
            "merchant roles",
            f"""
            INSERT INTO merchants_merchantroleassignment (merchant_id, role)
            SELECT {self.mbase} + m, {self._role_sql("m")} FROM generate_series(1, {s.merchants}) m
            """,
        )
        snapshot = """jsonb_build_object(
            'legal_name', mm.legal_name, 'legal_name_latin', mm.legal_name_latin,
            'trade_names', mm.trade_names, 'roles', jsonb_build_array(r.role),
            'country', mm.country, 'registration_number', mm.registration_number,
            'registry', mm.registry, 'registered_address', mm.registered_address,
            'responsible_person', mm.responsible_person, 'contact_email', mm.contact_email,
            'contact_phone', mm.contact_phone, 'website', mm.website,
            'date_established', to_char(mm.date_established, 'YYYY-MM-DD'),
            'annual_order_volume', mm.annual_order_volume)"""
        self._run(
            "disclosure versions",
            f"""
            CREATE TEMPORARY TABLE bench_versions ON COMMIT DROP AS
            SELECT mm.id AS merchant_id, v.number,
                   CASE WHEN v.number = 1 THEN 'created' ELSE 'staff' END AS source,
                   mm.created_at + (v.number - 1) * interval '20 days' AS created_at,
                   CASE WHEN v.number = 1 THEN NULL ELSE {self.med0} END AS created_by_id,
                   snap.value AS snapshot,
                   CASE WHEN v.number = 1 THEN (
                       SELECT coalesce(jsonb_object_agg(key, jsonb_build_array(NULL, value)),
                                       '{{}}'::jsonb)
                       FROM jsonb_each(snap.value)
                       WHERE value NOT IN ('""'::jsonb, '[]'::jsonb, 'null'::jsonb))
                   ELSE jsonb_build_object('contact_phone', jsonb_build_array(
                       '+1 555 old ' || (v.number - 1), mm.contact_phone)) END AS changes,
                   mm.completeness, ''::text AS prev_hash, ''::text AS hash
            FROM merchants_merchant mm
            JOIN merchants_merchantroleassignment r ON r.merchant_id = mm.id
            CROSS JOIN LATERAL generate_series(1, mm.disclosure_version) AS v(number)
            CROSS JOIN LATERAL (SELECT {snapshot} AS value) AS snap
            WHERE mm.id > {self.mbase}
            """,
        )
        # Each merchant's versions form its hash chain (merchants.integrity): the canonical
        # JSON of each, hashed in order, version by version.
        canonical = f"""'{{"@chain":"{DISCLOSURE_CHAIN}","@prev":' || to_json(v.prev_hash)::text
            || ',"changes":' || pg_temp.bench_jcs(v.changes)
            || ',"completeness":' || v.completeness
            || ',"created_at":"' || {_utc("v.created_at")} || '"'
            || ',"created_by":' || coalesce(v.created_by_id::text, 'null')
            || ',"merchant":' || v.merchant_id || ',"number":' || v.number
            || ',"proposal":null,"snapshot":' || pg_temp.bench_jcs(v.snapshot)
            || ',"source":' || to_json(v.source)::text || '}}'"""
        self._chain("bench_versions", "merchant_id", "number", canonical)
        self._run(
            "disclosure versions: insert",
            """
            INSERT INTO merchants_disclosureversion (merchant_id, number, source, created_at,
                                                     created_by_id, snapshot, changes,
                                                     completeness, proposal_id, prev_hash, hash)
            SELECT merchant_id, number, source, created_at, created_by_id, snapshot, changes,
                   completeness, NULL, prev_hash, hash
            FROM bench_versions
            """,
        )
        self._run(
            "disclosure heads",
            """
            UPDATE merchants_merchant m SET disclosure_head = v.hash
            FROM bench_versions v
            WHERE v.merchant_id = m.id AND v.number = m.disclosure_version
            """,
        )
        self._run(
            "representatives",
            f"""
            INSERT INTO merchants_merchantrepresentative (user_id, merchant_id, created_at)
            SELECT {self.rep0} + n, {self.mbase} + {first_seller} + n * 10,
                   {self.NOW} - interval '700 days'
            FROM generate_series(0, {self.reps - 1}) AS n
            WHERE {first_seller} + n * 10 <= {s.merchants}
            """,
        )

    def _shops_and_links(self):
        s = self.scale
        first_seller = s.platforms + s.carriers + 1
        platform = f"({self.mbase} + 1 + (m % {s.platforms}))"
        on_platform = f"({rnd('m', 31)} < 0.5)"
        self._run(
            "shops",
            f"""
            INSERT INTO merchants_shop (merchant_id, platform_id, name, url, url_normalized,
                                        platform_shop_id, created_at)
            SELECT {self.mbase} + m,
                   CASE WHEN {on_platform} THEN {platform} END,
                   'Shop ' || m || '-' || k,
                   'https://shop' || m || '-' || k || '.example.com/',
                   'shop' || m || '-' || k || '.example.com',
                   CASE WHEN {on_platform} THEN 'S' || m || '-' || k ELSE '' END,
                   {self.NOW} - interval '790 days'
            FROM generate_series({first_seller}, {s.merchants}) AS m
            CROSS JOIN LATERAL generate_series(
                1, CASE WHEN m < {first_seller + 10} THEN {s.heavy_shops} ELSE 1 END) AS k
            """,
        )
        role = self._role_sql("m")
        other_seller = (
            f"({first_seller} + ((m - {first_seller} + 1 + "
            f"floor({rnd('m', 32)} * greatest({s.sellers} - 1, 1))::bigint) % {s.sellers}))"
        )
        self._run(
            "merchant links",
            f"""
            INSERT INTO merchants_merchantlink (source_id, target_id, kind, started_on, ended_on,
                                                note, created_at)
            SELECT {self.mbase} + m, target, kind, date '2023-01-01' + (m % 365), NULL, '',
                   {self.NOW} - interval '780 days'
            FROM (
                SELECT m, {platform} AS target, 'seller_platform' AS kind
                FROM generate_series({first_seller}, {s.merchants}) m WHERE {on_platform}
                UNION ALL
                SELECT m, {self.mbase} + {other_seller}, 'agent_supplier'
                FROM generate_series({first_seller}, {s.merchants}) m
                WHERE {role} IN ('agent_spot', 'agent_non_spot') AND {s.sellers} > 1
                UNION ALL
                SELECT m, {self.mbase} + {s.platforms} + 1 + (m % {s.carriers}), 'seller_carrier'
                FROM generate_series({first_seller}, {s.merchants}) m
                -- The busiest sellers (whose pages are measured) always have one.
                WHERE {rnd("m", 33)} < 0.3 OR m < {first_seller + 10}
            ) AS links
            """,
        )

    # --- complaints -----------------------------------------------------------------------

    def _seller_sql(self, i: str) -> str:
        """Merchant number of complaint ``i``'s seller: a power law, so that a few sellers have
        thousands of complaints and most have a handful."""
        s = self.scale
        first_seller = s.platforms + s.carriers + 1
        return f"({first_seller} + floor({s.sellers} * power({rnd(i, 3)}, 3))::bigint)"

    def _complaints(self):
        s = self.scale
        categories = tuple(Category.values)
        rights = " ".join(
            f"WHEN '{category}' THEN '{right}'" for category, right in RIGHT_FOR_CATEGORY.items()
        )
        currency = " ".join(f"WHEN x.u_currency < {p} THEN '{c}'" for c, p in CURRENCIES[:-1])
        currency = f"(CASE {currency} ELSE '{CURRENCIES[-1][0]}' END)"
        rate = " ".join(f"WHEN '{c}' THEN {method.EUR_PER_UNIT[c]}" for c, _share in CURRENCIES)
        # Each complaint's choices, drawn once (OFFSET 0 keeps PostgreSQL from inlining the
        # subquery and recomputing every draw at each use), with its seller's role.
        self._run(
            "complaint choices",
            f"""
            CREATE TEMPORARY TABLE bench_complaints ON COMMIT DROP AS
            SELECT x.*, r.role AS seller_role,
                   CASE r.role WHEN 'agent_spot' THEN 'agent_spot'
                        WHEN 'agent_non_spot' THEN 'agent_non_spot'
                        WHEN 'supplier' THEN CASE WHEN x.u_mode < 0.6 THEN 'marketplace'
                                                  ELSE 'direct' END
                   END AS mode
            FROM (
                SELECT i, {self.cbase} + i AS id, {self._seller_sql("i")} AS m,
                       {self.mbase} + {self._seller_sql("i")} AS merchant_id,
                       {self.NOW} - ({rnd("i", 1)} * 730) * interval '1 day' AS submitted,
                       CASE WHEN i <= {s.heavy_consumer_complaints} THEN {self.consumer0}
                            ELSE {self.consumer0} + 1 + floor({rnd("i", 11)}
                                 * greatest({s.consumers} - 1, 1))::bigint END AS consumer_id,
                       {rnd("i", 34)} AS u_currency, {rnd("i", 38)} AS u_euros,
                       {rnd("i", 39)} AS u_category, {rnd("i", 41)} AS u_remedy,
                       {rnd("i", 42)} AS u_mode, {rnd("i", 35)} AS u_language,
                       {rnd("i", 36)} AS u_order, {rnd("i", 37)} AS u_payment,
                       {rnd("i", 43)} AS u_platform, {rnd("i", 44)} AS u_evidence
                FROM generate_series(1, {s.complaints}) AS i
                OFFSET 0
            ) AS x
            JOIN merchants_merchantroleassignment r ON r.merchant_id = x.merchant_id
            """,
        )
        self._run(
            "complaints",
            f"""
            INSERT INTO complaints_complaint (
                id, public_id, reference, consumer_id, status, draft_step, language,
                purchase_mode, shop_url, shop_name, platform_name, agent_name, order_number,
                order_date, item_description, amount, currency, payment_method, category,
                right_at_stake, description, remedy, remedy_amount, remedy_details, consent_at,
                submitted_at, created_at, updated_at, held_reason, hold_decision,
                pseudonymised_reason, consumer_country, delivery, seller_informed,
                goods_exception, publish_consent_at)
            SELECT x.id, md5('complaint:' || x.i)::uuid,
                   'RD-' || extract(year FROM x.submitted)::int || '-'
                       || lpad(x.id::text, greatest(6, length(x.id::text)), '0'),
                   x.consumer_id, 'submitted', 'review',
                   CASE WHEN x.u_language < 0.25 THEN 'zh-hans' ELSE 'en' END,
                   x.mode,
                   'https://shop' || x.m || '-1.example.com/item/' || x.i,
                   'Shop ' || x.m || '-1',
                   CASE WHEN x.mode = 'marketplace'
                        THEN 'Bench Marketplace ' || (1 + x.m % {s.platforms}) || ' Inc.'
                        ELSE '' END,
                   CASE WHEN x.mode LIKE 'agent%' THEN 'Bench Trading ' || x.m || ' Ltd'
                        ELSE '' END,
                   'ORD-' || x.i,
                   (x.submitted - (x.u_order * 30) * interval '1 day')::date,
                   'Bench item ' || x.i,
                   round(((5 + 1500 * power(x.u_euros, 3))
                          / CASE y.currency {rate} END)::numeric, 2),
                   y.currency,
                   {_pick("x.u_payment", PAYMENT_METHODS)},
                   y.category,
                   CASE y.category {rights} END,
                   'The bench complaint number ' || x.i || ': the order went wrong.',
                   {_pick("x.u_remedy", REMEDIES)},
                   NULL, '',
                   x.submitted, x.submitted, x.submitted - interval '30 minutes', x.submitted,
                   '', '', '',
                   -- The facts of the rights engine are not asked of bench complaints.
                   '', '', '', '',
                   -- A third of the consumers agree to the open complaint data.
                   CASE WHEN x.i % 3 = 0 THEN x.submitted END
            FROM bench_complaints x
            CROSS JOIN LATERAL (SELECT {currency} AS currency,
                                       {_pick("x.u_category", categories)} AS category
                                OFFSET 0) AS y
            """,
        )
        # The seller (or the non-spot agent), a platform for some marketplace purchases, and the
        # overseas supplier a non-spot agent bought from, named only (never rated).
        self._run(
            "respondents",
            f"""
            INSERT INTO complaints_respondent (complaint_id, role, merchant_id, named_name,
                                               named_url, named_name_key, named_url_key,
                                               reason, added_by_rule, linked_by_id,
                                               linked_at, created_at)
            -- The named names are ASCII: lower() folds them as Respondent.named_keys does.
            SELECT c.id, r.role, r.merchant_id, r.named_name, '', lower(r.named_name), '',
                   r.reason, r.by_rule, NULL, NULL, c.created_at
            FROM bench_complaints x
            JOIN complaints_complaint c ON c.id = x.id
            CROSS JOIN LATERAL (
                SELECT CASE x.mode WHEN 'agent_non_spot' THEN 'purchasing_agent'
                            ELSE 'seller' END AS role,
                       x.merchant_id, '' AS named_name,
                       CASE x.mode WHEN 'direct' THEN 'direct_seller'
                            WHEN 'marketplace' THEN 'marketplace_seller'
                            WHEN 'agent_spot' THEN 'spot_agent_seller'
                            ELSE 'non_spot_agent' END AS reason,
                       true AS by_rule
                UNION ALL
                SELECT 'platform_operator', {self.mbase} + 1 + (x.m % {s.platforms}), '',
                       'platform_seller_unverified', true
                WHERE x.mode = 'marketplace' AND x.u_platform < 0.4
                UNION ALL
                SELECT 'seller', NULL, 'Overseas supplier ' || x.i, 'non_spot_supplier_seller',
                       true
                WHERE x.mode = 'agent_non_spot'
            ) AS r
            """,
        )
        self._run(
            "evidence (statements)",
            """
            INSERT INTO complaints_evidenceitem (complaint_id, kind, file, label, content_type,
                                                 size, text, sha256, received_sha256,
                                                 metadata_removed, submitted_by_id,
                                                 submitted_at)
            SELECT c.id, 'statement', '', '', '', octet_length(t.text), t.text,
                   t.digest, t.digest, false, c.consumer_id,
                   c.created_at + interval '5 minutes'
            FROM complaints_complaint c
            CROSS JOIN LATERAL (SELECT s.text,
                                       encode(sha256(convert_to(s.text, 'UTF8')), 'hex')
                                           AS digest
                                FROM (SELECT 'The seller stopped answering after order ' ||
                                             c.order_number || '.' AS text) AS s) AS t
            JOIN bench_complaints x ON x.id = c.id
            WHERE x.u_evidence < 0.5
            """,
        )

    # --- cases ----------------------------------------------------------------------------

    def _plan(self):
        """One row per case with every date and choice its rows need, in a temporary table
        that the inserts of cases, settlements, events and ratings read."""
        s = self.scale
        day = "interval '1 day'"
        self._run(
            "case plan",
            f"""
            CREATE TEMPORARY TABLE bench_plan ON COMMIT DROP AS
            WITH base AS MATERIALIZED (
                SELECT c.id AS complaint_id, c.id - {self.cbase} AS i, c.consumer_id,
                       c.submitted_at AS sub,
                       ({self.NOW} - c.submitted_at) AS age,
                       {self.NOW} AS now
                FROM complaints_complaint c WHERE c.id > {self.cbase}
            ), choice AS MATERIALIZED (
                SELECT b.*,
                       {self.kbase} + b.i AS case_id,
                       {rnd("b.i", 4)} AS r_screen, {rnd("b.i", 6)} AS r_resp,
                       {rnd("b.i", 8)} AS r_withdraw, {rnd("b.i", 9)} AS r_outcome,
                       {rnd("b.i", 12)} AS r_paid, {rnd("b.i", 13)} AS r_open,
                       (20 + {rnd("b.i", 10)} * 70) * {day} AS duration,
                       b.sub + (0.1 + {rnd("b.i", 7)} * 1.9) * {day} AS acc0,
                       {self.med0} + floor({rnd("b.i", 15)} * {s.mediators})::bigint
                           AS mediator_id,
                       b.now + (2.05 + {rnd("b.i", 14)} * 25) * {day} AS future_deadline
                FROM base b
            ), dated AS MATERIALIZED (
                SELECT ch.*,
                       CASE WHEN ch.r_screen >= 0.05 AND ch.acc0 < ch.now THEN ch.acc0 END
                           AS accepted_at,
                       ch.r_screen < 0.05 AND ch.age > {day} AS rejected
                FROM choice ch
            ), answered AS MATERIALIZED (
                SELECT d.*,
                       d.accepted_at + 10 * {day} AS due,
                       CASE WHEN d.accepted_at IS NULL THEN NULL
                            WHEN d.r_resp < 0.65
                                THEN d.accepted_at + (d.r_resp / 0.65 * 9.5) * {day}
                            WHEN d.r_resp < 0.75
                                THEN d.accepted_at + (10.5 + (d.r_resp - 0.65) * 100) * {day}
                       END AS resp0,
                       d.accepted_at + d.duration AS close0
                FROM dated d
            ), decided AS MATERIALIZED (
                SELECT a.*,
                       -- An answer after the case closed never came, as far as the case knows.
                       CASE WHEN a.resp0 < a.now AND (a.close0 >= a.now OR a.resp0 <= a.close0)
                            THEN a.resp0 END AS responded_at,
                       CASE
                           WHEN a.rejected THEN 'rejected'
                           WHEN a.accepted_at IS NULL THEN 'submitted'
                           WHEN a.close0 < a.now AND a.r_withdraw < 0.04 THEN 'withdrawn'
                           WHEN a.close0 < a.now AND a.resp0 <= a.close0 THEN
                               CASE WHEN a.r_outcome < 0.85 THEN 'resolved' ELSE 'referred' END
                           WHEN a.close0 < a.now THEN
                               CASE WHEN a.r_outcome < 0.8 THEN 'referred' ELSE 'resolved' END
                           WHEN a.resp0 IS NULL OR a.resp0 >= a.now THEN
                               CASE WHEN a.due > a.now + 2.05 * {day} THEN 'awaiting_merchant'
                                    ELSE 'mediation' END
                           WHEN a.r_open < 0.35 THEN 'negotiation'
                           WHEN a.r_open < 0.7 THEN 'mediation'
                           WHEN a.r_open < 0.85 THEN 'settled'
                           ELSE 'escalated'
                       END AS state
                FROM answered a
            )
            SELECT d.*,
                   CASE
                       WHEN d.state = 'rejected' THEN 'rejected_unfounded'
                       WHEN d.state = 'withdrawn' THEN 'withdrawn'
                       WHEN d.state = 'resolved' AND d.responded_at IS NULL
                           THEN 'compensated_in_advance'
                       WHEN d.state = 'resolved' AND d.r_outcome < 0.60
                           THEN 'resolved_by_merchant'
                       WHEN d.state = 'resolved' AND d.r_outcome < 0.80
                           THEN 'settled_in_mediation'
                       WHEN d.state = 'resolved' THEN 'compensated_in_advance'
                       WHEN d.state = 'referred' AND d.responded_at IS NULL
                           THEN 'merchant_unresponsive'
                       WHEN d.state = 'referred' THEN 'referred_unresolved'
                       -- Not answering is recorded when the deadline passes, before closing.
                       WHEN d.state IN ('mediation', 'escalated') AND d.responded_at IS NULL
                           THEN 'merchant_unresponsive'
                       ELSE ''
                   END AS outcome,
                   CASE WHEN d.state = 'rejected' THEN d.sub + {day}
                        WHEN d.state IN ('withdrawn', 'resolved', 'referred') THEN d.close0
                   END AS closed_at,
                   CASE d.state WHEN 'submitted' THEN d.sub + 2 * {day}
                        WHEN 'awaiting_merchant' THEN d.due
                        WHEN 'negotiation' THEN d.future_deadline
                        WHEN 'mediation' THEN d.future_deadline
                        WHEN 'settled' THEN d.future_deadline
                        WHEN 'escalated' THEN d.future_deadline
                   END AS deadline_at,
                   CASE d.state WHEN 'submitted' THEN 'screening'
                        WHEN 'awaiting_merchant' THEN 'merchant_response'
                        WHEN 'negotiation' THEN 'negotiation'
                        WHEN 'mediation' THEN 'mediation'
                        WHEN 'settled' THEN 'fulfilment'
                        WHEN 'escalated' THEN 'mediation'
                        ELSE ''
                   END AS deadline_kind
            FROM decided d
            """,
        )

    def _open_data(self):
        """The open complaint data's entries, as transparency.services.open_complaint_refresh
        writes them: the consented complaints accepted at screening whose merchant answered or
        whose case was accepted 15 days ago or more, with their seller's country and name."""
        # Each complaint's seller (else agent) and platform in the directory, in one sorted pass
        # each: the respondents' indexes are dropped while the tables load, so a lookup per
        # complaint would read the whole table every time.
        self._run(
            "open data: sellers",
            """
            CREATE TEMPORARY TABLE bench_open_seller AS
            SELECT DISTINCT ON (r.complaint_id) r.complaint_id, mm.id, mm.country,
                   mm.legal_name, mm.legal_name_latin
            FROM complaints_respondent r JOIN merchants_merchant mm ON mm.id = r.merchant_id
            WHERE r.role IN ('seller', 'purchasing_agent')
            ORDER BY r.complaint_id, r.role = 'seller' DESC, r.id
            """,
        )
        self._run(
            "open data: platforms",
            """
            CREATE TEMPORARY TABLE bench_open_platform AS
            SELECT DISTINCT ON (r.complaint_id) r.complaint_id, mm.id, mm.legal_name,
                   mm.legal_name_latin
            FROM complaints_respondent r JOIN merchants_merchant mm ON mm.id = r.merchant_id
            WHERE r.role = 'platform_operator'
            ORDER BY r.complaint_id, r.id
            """,
        )
        self._run(
            "open complaint data",
            f"""
            INSERT INTO transparency_opencomplaint (
                complaint_id, public_id, published_at, refreshed_at, submitted_on, category,
                consumer_country, merchant_country, merchant_id, merchant_name, platform_id,
                platform_name, purchase_mode, amount_band, currency, outcome, closed_on,
                answered, answered_in_time, narrative)
            SELECT c.id, md5('open:' || c.id)::uuid, {self.NOW}, {self.NOW},
                   c.submitted_at::date, c.category, c.consumer_country,
                   coalesce(m.country, ''), m.id, coalesce({_display("m")}, ''), pl.id,
                   coalesce({_display("pl")}, c.platform_name), c.purchase_mode,
                   CASE WHEN c.amount < 100 THEN 'under_100' WHEN c.amount < 1000 THEN '100_999'
                        WHEN c.amount < 10000 THEN '1000_9999' ELSE '10000_plus' END,
                   c.currency, k.outcome, k.closed_at::date,
                   CASE WHEN k.merchant_responded_at IS NOT NULL THEN true
                        WHEN k.merchant_response_due_at < {self.NOW} THEN false END,
                   CASE WHEN k.merchant_responded_at IS NOT NULL
                        THEN k.merchant_responded_at <= k.merchant_response_due_at
                        WHEN k.merchant_response_due_at < {self.NOW} THEN false END,
                   ''
            FROM complaints_complaint c
            JOIN odr_case k ON k.complaint_id = c.id
            LEFT JOIN bench_open_seller m ON m.complaint_id = c.id
            LEFT JOIN bench_open_platform pl ON pl.complaint_id = c.id
            WHERE c.publish_consent_at IS NOT NULL AND k.accepted_at IS NOT NULL
              AND (c.held_at IS NULL OR c.hold_decision = 'accepted')
              AND (k.merchant_responded_at IS NOT NULL
                   OR k.accepted_at <= {self.NOW} - interval '15 days')
            """,
        )

    def _cases(self):
        day = "interval '1 day'"
        self._run(
            "cases",
            f"""
            INSERT INTO odr_case (id, complaint_id, state, version, mediator_id, deadline_at,
                                  deadline_kind, reminder_sent_for, awaiting_consumer_info,
                                  accepted_at, merchant_response_due_at, merchant_responded_at,
                                  outcome, closed_at, rejection_reason, mediator_summary,
                                  created_at, updated_at, events_count, events_head)
            SELECT p.case_id, p.complaint_id, p.state, 3,
                   CASE WHEN p.accepted_at IS NOT NULL OR p.state = 'rejected'
                        THEN p.mediator_id END,
                   p.deadline_at, p.deadline_kind,
                   -- A deadline less than two days away was already reminded of.
                   CASE WHEN p.deadline_at <= p.now + 2 * {day} THEN p.deadline_at END,
                   false, p.accepted_at, p.due, p.responded_at, p.outcome, p.closed_at,
                   CASE WHEN p.state = 'rejected' THEN 'Outside the scope of the service.'
                        ELSE '' END,
                   '', p.sub, coalesce(p.closed_at, p.responded_at, p.accepted_at, p.sub),
                   head.seq, head.hash
            FROM bench_plan p
            JOIN LATERAL (SELECT e.seq, e.hash FROM bench_events e WHERE e.case_id = p.case_id
                          ORDER BY e.seq DESC LIMIT 1) AS head ON true
            """,
        )
        # What was agreed: the resolved cases (paid), the settled ones (due in the future) and
        # the escalated ones whose payment is overdue.
        self._run(
            "settlements",
            f"""
            INSERT INTO odr_settlement (case_id, offer_id, terms, amount, currency, payer,
                                        payer_merchant_id, recovered_from_id, due_at,
                                        paid_confirmed_at, created_at)
            SELECT p.case_id, NULL, 'Refund of the order', c.amount, c.currency,
                   CASE WHEN p.outcome = 'compensated_in_advance' THEN 'platform_in_advance'
                        ELSE 'merchant' END,
                   CASE WHEN p.outcome = 'compensated_in_advance' THEN {self.mbase} + 1
                        ELSE seller.merchant_id END,
                   CASE WHEN p.outcome = 'compensated_in_advance' THEN seller.merchant_id END,
                   x.due_at,
                   CASE WHEN p.state = 'resolved' THEN p.closed_at END,
                   x.due_at - 15 * {day}
            FROM bench_plan p
            JOIN complaints_complaint c ON c.id = p.complaint_id
            JOIN bench_complaints seller ON seller.id = p.complaint_id
            CROSS JOIN LATERAL (SELECT CASE
                WHEN p.state = 'settled' THEN p.deadline_at
                WHEN p.state = 'escalated' THEN p.deadline_at - 40 * {day}
                WHEN p.outcome = 'compensated_in_advance' OR p.r_paid >= 0.85
                    THEN p.closed_at - 5 * {day}
                ELSE p.closed_at + 5 * {day} END AS due_at) AS x
            WHERE p.state IN ('settled', 'escalated') OR p.state = 'resolved'
            """,
        )
        self._insert_events()
        self._run(
            "case ratings",
            f"""
            INSERT INTO odr_caserating (case_id, score, comment, created_at)
            SELECT p.case_id, 1 + floor({rnd("p.i", 45)} * 5)::int, '', p.closed_at + {day}
            FROM bench_plan p
            WHERE p.state IN ('resolved', 'referred') AND {rnd("p.i", 46)} < 0.3
            """,
        )

    def _events(self):
        """Each case's timeline (opened, accepted, its latest move) with its hash chain
        (odr.integrity), before the cases are written: each case row then carries its chain's
        length and head, as the services keep them."""
        last_move = """
            SELECT p.case_id, 3 AS ord, CASE p.state
                       WHEN 'rejected' THEN 'rejected' WHEN 'withdrawn' THEN 'withdrawn'
                       WHEN 'resolved' THEN 'payment_confirmed'
                       WHEN 'referred' THEN 'mediation_expired'
                       WHEN 'negotiation' THEN 'merchant_disputed'
                       WHEN 'mediation' THEN CASE WHEN p.responded_at IS NULL
                           THEN 'merchant_response_expired' ELSE 'mediation_requested' END
                       WHEN 'settled' THEN 'settled'
                       WHEN 'escalated' THEN 'fulfilment_expired' END,
                   CASE p.state WHEN 'rejected' THEN p.mediator_id
                        WHEN 'withdrawn' THEN p.consumer_id
                        WHEN 'resolved' THEN p.consumer_id END,
                   CASE p.state WHEN 'rejected' THEN 'submitted'
                        WHEN 'resolved' THEN 'settled'
                        WHEN 'referred' THEN 'mediation'
                        WHEN 'negotiation' THEN 'awaiting_merchant'
                        WHEN 'mediation' THEN CASE WHEN p.responded_at IS NULL
                            THEN 'awaiting_merchant' ELSE 'negotiation' END
                        WHEN 'settled' THEN CASE WHEN p.r_open < 0.78
                            THEN 'mediation' ELSE 'negotiation' END
                        WHEN 'escalated' THEN 'settled'
                        ELSE 'negotiation' END,
                   p.state,
                   CASE p.state WHEN 'rejected' THEN 'mediator' WHEN 'withdrawn' THEN 'consumer'
                        WHEN 'resolved' THEN 'consumer' WHEN 'negotiation' THEN 'merchant'
                        WHEN 'settled' THEN 'merchant' ELSE 'system' END,
                   coalesce(p.closed_at,
                            greatest(p.responded_at, p.accepted_at) + interval '1 hour')
            FROM bench_plan p
            WHERE p.state NOT IN ('submitted', 'awaiting_merchant')"""
        self._run(
            "case events",
            f"""
            CREATE TEMPORARY TABLE bench_events ON COMMIT DROP AS
            SELECT e.case_id,
                   row_number() OVER (PARTITION BY e.case_id ORDER BY e.ord)::int AS seq,
                   e.kind, e.actor_id, e.from_state, e.to_state, e.at AS created_at,
                   jsonb_build_object('by', e.party) || CASE WHEN e.kind = 'settled'
                       THEN jsonb_build_object('in_mediation', e.from_state = 'mediation')
                       ELSE '{{}}'::jsonb END AS data,
                   ''::text AS prev_hash, ''::text AS hash
            FROM (
                SELECT p.case_id, 1 AS ord, 'case_opened' AS kind, NULL::bigint AS actor_id,
                       '' AS from_state, 'submitted' AS to_state, 'system' AS party, p.sub AS at
                FROM bench_plan p
                UNION ALL
                SELECT p.case_id, 2, 'accepted', p.mediator_id, 'submitted',
                       'awaiting_merchant', 'mediator', p.accepted_at
                FROM bench_plan p WHERE p.accepted_at IS NOT NULL
                UNION ALL
                {last_move}
            ) AS e
            """,
        )
        # The data are {"by": ...} or {"by": ..., "in_mediation": ...}: written out directly
        # (sorted keys, no spaces), three million times faster than a generic encoder.
        canonical = f"""'{{"@chain":"{EVENT_CHAIN}","@prev":"' || v.prev_hash
            || '","actor":' || coalesce(v.actor_id::text, 'null') || ',"case":' || v.case_id
            || ',"created_at":"' || {_utc("v.created_at")}
            || '","data":{{"by":"' || (v.data ->> 'by') || '"'
            || coalesce(',"in_mediation":' || (v.data ->> 'in_mediation'), '') || '}}'
            || ',"from_state":"' || v.from_state || '","kind":"' || v.kind
            || '","note_sha256":"{EMPTY_TEXT_DIGEST}","seq":' || v.seq
            || ',"to_state":"' || v.to_state || '"}}'"""
        self._chain("bench_events", "case_id", "seq", canonical)

    def _insert_events(self):
        self._run(
            "case events: insert",
            f"""
            INSERT INTO odr_caseevent (case_id, kind, actor_id, from_state, to_state, note,
                                       note_sha256, data, created_at, seq, prev_hash, hash)
            SELECT case_id, kind, actor_id, from_state, to_state, '', '{EMPTY_TEXT_DIGEST}',
                   data, created_at, seq, prev_hash, hash
            FROM bench_events
            """,
        )

    def _chain(self, table: str, parent: str, position: str, canonical: str) -> None:
        """Fill ``prev_hash`` and ``hash`` of ``table``'s rows, parent by parent in
        ``position`` order: one pass per position (a few), each set-based. ``canonical`` is the
        SQL of a row's canonical form (core.integrity), the row being ``v``."""
        started = time.perf_counter()
        with connection.cursor() as cursor:
            cursor.execute(f"CREATE INDEX ON {table} ({parent}, {position})")
            cursor.execute(f"ANALYZE {table}")
            cursor.execute(f"SELECT coalesce(max({position}), 0) FROM {table}")
            longest = cursor.fetchone()[0]
            for n in range(1, longest + 1):
                if n > 1:
                    cursor.execute(
                        f"UPDATE {table} v SET prev_hash = p.hash FROM {table} p "
                        f"WHERE v.{position} = {n} AND p.{parent} = v.{parent} "
                        f"AND p.{position} = {n - 1}"
                    )
                cursor.execute(
                    f"UPDATE {table} v SET hash = "
                    f"encode(sha256(convert_to({canonical}, 'UTF8')), 'hex') "
                    f"WHERE v.{position} = {n}"
                )
        elapsed = time.perf_counter() - started
        label = f"{table.removeprefix('bench_')}: chains"
        self.timings[label] = round(elapsed, 3)
        self.log(f"  {label:<28} {longest:>10,} long {elapsed:7.2f} s")

    def _overdue(self):
        """Exactly ``overdue`` open cases whose deadline passed (up to three days ago), of every
        kind that a passing deadline moves; their reminder was sent two days before."""
        if not self.scale.overdue:
            return
        states = ", ".join(f"'{state}'" for state in EXPIRING_STATES)
        self._run(
            "overdue cases",
            f"""
            CREATE TEMPORARY TABLE bench_overdue ON COMMIT DROP AS
            SELECT id, {self.NOW} - interval '1 minute'
                       - ({rnd("id", 47)} * 3) * interval '1 day' AS deadline_at
            FROM odr_case
            WHERE id > {self.kbase} AND state IN ({states})
            ORDER BY hashint8extended(id, 48)
            LIMIT {self.scale.overdue}
            """,
        )
        self._run(
            "overdue: cases",
            """
            UPDATE odr_case k SET deadline_at = o.deadline_at, reminder_sent_for = o.deadline_at,
                   merchant_response_due_at = CASE WHEN k.state = 'awaiting_merchant'
                       THEN o.deadline_at ELSE k.merchant_response_due_at END
            FROM bench_overdue o WHERE k.id = o.id
            """,
        )
        self._run(
            "overdue: settlements",
            """
            UPDATE odr_settlement s SET due_at = o.deadline_at
            FROM bench_overdue o JOIN odr_case k ON k.id = o.id
            WHERE s.case_id = o.id AND k.state = 'settled'
            """,
        )

    def _drop_indexes(self) -> list[str]:
        """Drop the loaded tables' plain indexes (those that back no constraint) and return
        their definitions: building each once over the loaded rows is several times faster
        than updating it row by row."""
        tables = ", ".join(f"'{table}'" for table in LOADED_TABLES)
        with connection.cursor() as cursor:
            cursor.execute(
                f"""
                SELECT i.indexrelid::regclass::text, pg_get_indexdef(i.indexrelid)
                FROM pg_index i
                WHERE i.indrelid::regclass::text IN ({tables})
                  AND NOT EXISTS (SELECT 1 FROM pg_constraint c WHERE c.conindid = i.indexrelid)
                """
            )
            found = cursor.fetchall()
            for name, _definition in found:
                cursor.execute(f'DROP INDEX "{name}"')
        return [definition for _name, definition in found]

    def _create_indexes(self, definitions: list[str]) -> None:
        started = time.perf_counter()
        with connection.cursor() as cursor:
            cursor.execute("SET LOCAL maintenance_work_mem = '256MB'")
            for definition in definitions:
                cursor.execute(definition)
        elapsed = time.perf_counter() - started
        self.timings["indexes"] = round(elapsed, 3)
        self.log(f"  {'indexes':<28} {len(definitions):>10,} idx  {elapsed:7.2f} s")

    def _check_foreign_keys(self) -> None:
        """Every foreign key of the loaded tables, checked in one anti-join per key: a row that
        points at nothing stops the build, as the per-row trigger would have."""
        tables = ", ".join(f"'{table}'" for table in LOADED_TABLES)
        started = time.perf_counter()
        with connection.cursor() as cursor:
            cursor.execute(
                f"""
                SELECT c.conname, c.conrelid::regclass::text, a.attname,
                       c.confrelid::regclass::text, af.attname
                FROM pg_constraint c
                JOIN pg_attribute a ON a.attrelid = c.conrelid AND a.attnum = c.conkey[1]
                JOIN pg_attribute af ON af.attrelid = c.confrelid AND af.attnum = c.confkey[1]
                WHERE c.contype = 'f' AND c.conrelid::regclass::text IN ({tables})
                """
            )
            keys = cursor.fetchall()
            for name, table, column, target, target_column in keys:
                cursor.execute(
                    f'SELECT count(*) FROM {table} t WHERE t."{column}" IS NOT NULL AND NOT '
                    f'EXISTS (SELECT 1 FROM {target} r WHERE r."{target_column}" = t."{column}")'
                )
                dangling = cursor.fetchone()[0]
                if dangling:
                    raise RuntimeError(f"{dangling} rows of {table} break {name}")
        elapsed = time.perf_counter() - started
        self.timings["foreign key checks"] = round(elapsed, 3)
        self.log(f"  {'foreign key checks':<28} {len(keys):>10,} keys {elapsed:7.2f} s")

    def _sequences(self):
        for table in (
            "accounts_user",
            "merchants_merchant",
            "complaints_complaint",
            "odr_case",
        ):
            self._scalar(
                f"SELECT setval(pg_get_serial_sequence('{table}', 'id'), "
                f"(SELECT max(id) FROM {table}))"
            )


def build(scale: Scale, *, now: datetime, log: Callable[[str], None] = print) -> dict:
    """Insert the dataset of ``scale`` (inside the caller's transaction)."""
    return Build(scale=scale, now=now, log=log).run()


def vacuum_analyze(log: Callable[[str], None] = print) -> float:
    """VACUUM ANALYZE after the bulk load (outside a transaction), as autovacuum would have
    done on a database that grew over time: fresh statistics and visibility maps."""
    started = time.perf_counter()
    with connection.cursor() as cursor:
        cursor.execute("VACUUM ANALYZE")
    elapsed = time.perf_counter() - started
    log(f"  {'vacuum analyze':<28} {'':>10}      {elapsed:7.2f} s")
    return elapsed


def settle(log: Callable[[str], None] = print) -> float:
    """Between a phase that wrote a lot (the full recomputation retires and writes 100,000
    snapshots) and one that is timed: VACUUM ANALYZE and a CHECKPOINT, so that autovacuum and
    the checkpointer do not write in the background of the measurement, as on a database some
    time after a nightly run."""
    started = time.perf_counter()
    from django.db import DatabaseError

    with connection.cursor() as cursor:
        cursor.execute("VACUUM ANALYZE")
        try:
            cursor.execute("CHECKPOINT")
        except DatabaseError as error:  # a role without pg_checkpoint: measured all the same
            log(f"  no CHECKPOINT ({error})")
    elapsed = time.perf_counter() - started
    log(f"  {'settle (vacuum, checkpoint)':<28} {'':>10}      {elapsed:7.2f} s")
    return elapsed
