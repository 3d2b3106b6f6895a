"""docker-compose.yml and the Dockerfile describe a deployment that can work: this machine has
no Docker engine, so the files are checked for what a run would trip over."""

from __future__ import annotations

import re
import shlex
from pathlib import Path

import pytest
import yaml

ROOT = Path(__file__).resolve().parents[2]
APP_SERVICES = ("web", "worker", "beat")


@pytest.fixture(scope="module")
def compose() -> dict:
    return yaml.safe_load((ROOT / "docker-compose.yml").read_text())


@pytest.fixture(scope="module")
def dockerfile() -> str:
    # Continuation lines joined, so that each instruction is one line.
    return (ROOT / "Dockerfile").read_text().replace("\\\n", " ")


def _mounts(service: dict) -> dict[str, str]:
    """Mount target -> named volume."""
    pairs = (volume.split(":")[:2] for volume in service.get("volumes", []))
    return {target: source for source, target in pairs}


def _command(service: dict) -> str:
    command = service["command"]
    return command if isinstance(command, str) else shlex.join(command)


def test_every_process_of_the_deployment_is_there(compose):
    assert set(compose["services"]) == {"postgres", "redis", "migrate", *APP_SERVICES}
    assert "gunicorn" in _command(compose["services"]["web"])
    assert " worker" in _command(compose["services"]["worker"])
    assert " beat" in _command(compose["services"]["beat"])


def test_every_long_running_service_has_a_health_check(compose):
    for name, service in compose["services"].items():
        if name == "migrate":  # a one-shot job
            continue
        assert service.get("healthcheck", {}).get("test"), name


def test_beat_answers_the_ping_its_health_check_sends(compose):
    beat = compose["services"]["beat"]

    assert "celerybeat@" in " ".join(beat["healthcheck"]["test"])
    assert "--enable-remote-control" in _command(beat)


def test_the_database_and_the_evidence_are_on_named_volumes(compose):
    services = compose["services"]
    assert _mounts(services["postgres"])["/var/lib/postgresql/data"] in compose["volumes"]
    for name in ("migrate", *APP_SERVICES):
        service = services[name]
        private_root = service["environment"]["PRIVATE_STORAGE_ROOT"]
        assert _mounts(service).get(private_root) == "evidence", name
    assert "evidence" in compose["volumes"]


def test_beat_keeps_its_schedule_on_a_volume(compose):
    beat = compose["services"]["beat"]
    schedule = re.search(r"--schedule=(\S+)", _command(beat)).group(1)

    assert str(Path(schedule).parent) in _mounts(beat)


def test_the_app_starts_after_the_migration_and_healthy_services(compose):
    services = compose["services"]
    assert services["migrate"]["depends_on"]["postgres"]["condition"] == "service_healthy"
    assert services["migrate"]["depends_on"]["redis"]["condition"] == "service_healthy"
    for name in APP_SERVICES:
        condition = services[name]["depends_on"]["migrate"]["condition"]
        assert condition == "service_completed_successfully", name


def test_the_image_runs_production_settings_and_serves_what_it_collected(compose, dockerfile):
    env = dict(re.findall(r"(\w+)=(\S+)", " ".join(re.findall(r"^ENV (.+)$", dockerfile, re.M))))

    assert env["DJANGO_SETTINGS_MODULE"] == "config.settings.production"
    # collectstatic runs at build time, where REDRESS_VAR_DIR is not the containers' one: the
    # static folder must not depend on it.
    assert env["STATIC_ROOT"].startswith("/app/")
    for name in ("migrate", *APP_SERVICES):
        assert "STATIC_ROOT" not in compose["services"][name].get("environment", {}), name


def test_the_volumes_mount_points_belong_to_the_app_user(compose, dockerfile):
    mkdir = re.search(r"mkdir -p ([^&]+)&& chown -R redress", dockerfile).group(1).split()
    targets = {t for n in ("migrate", *APP_SERVICES) for t in _mounts(compose["services"][n])}

    assert targets <= set(mkdir)
    assert "USER redress" in dockerfile


def test_a_gunicorn_worker_freezes_what_it_loaded_before_its_first_request():
    import gc
    import runpy

    hooks = runpy.run_path(str(ROOT / "config" / "gunicorn.py"))
    assert hooks["worker_class"] == "sync"
    assert gc.get_freeze_count() == 0
    try:
        hooks["post_worker_init"](worker=None)
        assert gc.get_freeze_count() > 0
    finally:
        gc.unfreeze()


def test_the_image_can_render_chinese_dossiers_and_build_without_a_real_signing_key(dockerfile):
    installs = re.search(r"apt-get install[^&]+", dockerfile).group(0)

    for package in ("libpango-1.0-0", "libpangoft2-1.0-0", "fonts-wqy-microhei"):
        assert package in installs, package
    # The build step loads production settings, which require a signing key: a throwaway one.
    build = re.search(r"RUN SECRET_KEY=.*collectstatic", dockerfile).group(0)
    assert "REDRESS_SIGNING_KEY=" in build
