"""A Python client generated from the OpenAPI schema by openapi-python-client with its default
settings works end to end: it generates without errors (the grade's "A" and "A+" are distinct
members), and the generated functions list merchants and read a credit with a platform key, and
check a dossier without one (issue 19 item 6). The schema also passes `spectacular --validate`."""

from __future__ import annotations

import importlib
import os
import subprocess
import sys
from pathlib import Path

import pytest
from django.core.management import call_command

from credit.services import api_key_create, credit_recompute
from tests.factories import MerchantFactory, UserFactory

# Against a real server (live_server), as a platform would call it: transactional.
pytestmark = pytest.mark.django_db(transaction=True)

GENERATOR = Path(sys.executable).with_name("openapi-python-client")


@pytest.fixture(scope="module")
def generated(tmp_path_factory):
    """The client package, generated once for the module (with the generator's defaults)."""
    folder = tmp_path_factory.mktemp("client")
    schema = folder / "schema.yml"
    call_command("spectacular", "--file", str(schema), "--validate", verbosity=0)
    env = {**os.environ, "PATH": f"{GENERATOR.parent}{os.pathsep}{os.environ.get('PATH', '')}"}
    result = subprocess.run(  # noqa: S603 - fixed arguments
        [str(GENERATOR), "generate", "--path", str(schema), "--output-path", str(folder / "out")],
        capture_output=True,
        text=True,
        timeout=180,
        check=False,
        env=env,
    )
    assert result.returncode == 0, result.stdout + result.stderr
    sys.path.insert(0, str(folder / "out"))
    yield importlib.import_module("redress_api_client")
    sys.path.remove(str(folder / "out"))


def _client(package, base_url: str, key: str | None = None):
    if key is None:
        return package.Client(base_url=base_url)
    return package.AuthenticatedClient(
        base_url=base_url, token=key, prefix="", auth_header_name="X-Api-Key"
    )


def test_the_grade_enum_has_a_member_per_grade(generated):
    grades = importlib.import_module("redress_api_client.models.grade_enum").GradeEnum

    assert {g.name: g.value for g in grades} == {
        "A_PLUS": "A+",
        "A": "A",
        "B": "B",
        "C": "C",
        "D": "D",
        "F": "F",
        "NR": "NR",
    }


def test_the_generated_client_lists_reads_credit_and_looks_up(generated, live_server):
    platform = UserFactory(role="platform_client")
    _key, secret = api_key_create(client=platform, name="generated client", created_by=None)
    merchant = MerchantFactory()
    credit_recompute()
    client = _client(generated, live_server.url, secret)
    merchants_list = importlib.import_module("redress_api_client.api.merchants.merchants_list")
    merchant_credit = importlib.import_module("redress_api_client.api.credit.merchant_credit")

    detailed = merchants_list.sync_detailed(client=client)
    assert detailed.status_code == 200, detailed.content[:500]
    page = detailed.parsed
    credit = merchant_credit.sync(public_id=merchant.public_id, client=client)

    assert [m.public_id for m in page.results] == [merchant.public_id]
    assert credit.grade.value == "NR"


def test_the_generated_client_checks_a_dossier_without_a_key(generated, live_server):
    verify = importlib.import_module("redress_api_client.api.dossiers.dossier_verify")
    body = importlib.import_module("redress_api_client.models.verify_request").VerifyRequest(
        number="d2c17ce0-abc1-4906-8425-2f5265718124", sha256="0" * 64
    )

    answer = verify.sync(client=_client(generated, live_server.url), body=body)

    assert (answer.authentic, answer.reason) == (False, "unknown")
