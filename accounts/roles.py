"""Group permissions, applied by data migrations so that every environment gets the same ones."""

from __future__ import annotations

MEDIATORS_GROUP = "mediators"


def ensure_permissions(apps) -> None:
    """Create the permission rows of every app now; Django otherwise adds them after migrate."""
    from django.contrib.auth.management import create_permissions

    for app_config in apps.get_app_configs():
        app_config.models_module = True
        create_permissions(app_config, apps=apps, verbosity=0)
        app_config.models_module = None


def grant_group_permissions(apps, group_name: str, perms: list[str]) -> None:
    """Give ``group_name`` the ``app_label.codename`` permissions listed (idempotent)."""
    ensure_permissions(apps)
    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    group, _ = Group.objects.get_or_create(name=group_name)
    for perm in perms:
        app_label, codename = perm.split(".", 1)
        group.permissions.add(
            Permission.objects.get(content_type__app_label=app_label, codename=codename)
        )


def revoke_group_permissions(apps, group_name: str, perms: list[str]) -> None:
    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    group = Group.objects.filter(name=group_name).first()
    if group is None:
        return
    for perm in perms:
        app_label, codename = perm.split(".", 1)
        group.permissions.remove(
            *Permission.objects.filter(content_type__app_label=app_label, codename=codename)
        )
