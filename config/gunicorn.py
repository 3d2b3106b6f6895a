"""gunicorn settings of the web process: `gunicorn config.wsgi --config config/gunicorn.py`."""

import multiprocessing
import os

bind = os.environ.get("GUNICORN_BIND", "0.0.0.0:8000")
# Sync workers: a request holds its worker from start to end, so the work a core can do is
# the limit. One worker per core keeps both cores busy without making requests wait behind
# each other in a core's run queue (see bench/README.md for the measurements).
worker_class = "sync"
workers = int(os.environ.get("WEB_CONCURRENCY", multiprocessing.cpu_count()))
# Uploads of evidence take longer than a page; the default 30 s is kept as the ceiling.
timeout = 30
accesslog = os.environ.get("GUNICORN_ACCESS_LOG") or None


def post_worker_init(worker):
    """Once the worker has loaded Django and the project, move everything allocated so far out
    of the garbage collector's sight: a full collection then walks only what requests made,
    instead of every module, class and function as well (fewer and shorter pauses)."""
    import gc

    gc.freeze()
