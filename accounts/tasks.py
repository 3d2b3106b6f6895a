from celery import shared_task

from . import services


@shared_task
def purge_unverified_accounts() -> int:
    return services.users_purge_unverified()
