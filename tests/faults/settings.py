"""Settings of the servers and workers that the fault tests start as real processes.

The test settings, except that work goes through the real broker (no inline tasks) and e-mail
is written to files the test reads (FAULTS_MAIL_DIR), since it leaves another process.
"""

from config.settings.test import *  # noqa: F403
from config.settings.test import env

CELERY_TASK_ALWAYS_EAGER = False
CELERY_TASK_EAGER_PROPAGATES = False
EMAIL_BACKEND = "django.core.mail.backends.filebased.EmailBackend"
EMAIL_FILE_PATH = env.str("FAULTS_MAIL_DIR")
