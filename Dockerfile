# Redress application image: web (gunicorn), worker and beat all run from it.
FROM python:3.11-slim-bookworm

# STATIC_ROOT is fixed here so that the files collected at build time are the ones the running
# containers serve (their REDRESS_VAR_DIR is a volume under /data, not the image's /app/var).
ENV PYTHONDONTWRITEBYTECODE=1 PYTHONUNBUFFERED=1 UV_PROJECT_ENVIRONMENT=/opt/venv \
    PATH=/opt/venv/bin:$PATH DJANGO_SETTINGS_MODULE=config.settings.production \
    STATIC_ROOT=/app/staticfiles
# WeasyPrint (signed PDF dossiers) needs Pango and HarfBuzz's subsetter, and a CJK font so
# Chinese prints.
RUN apt-get update && apt-get install -y --no-install-recommends gettext postgresql-client \
    libpango-1.0-0 libpangoft2-1.0-0 libharfbuzz-subset0 fonts-wqy-microhei \
    && rm -rf /var/lib/apt/lists/* && pip install --no-cache-dir uv
WORKDIR /app
COPY pyproject.toml uv.lock ./
RUN uv sync --frozen --no-dev
COPY . .
# Static files and translations are built into the image; these throwaway values only let
# the settings load for the build step.
RUN SECRET_KEY=build-only-not-secret-build-only-not-secret-build-only ALLOWED_HOSTS=build \
    REDRESS_SIGNING_KEY=AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA= \
    python manage.py collectstatic --noinput \
    && python manage.py compilemessages --ignore=.venv -v 0
# The volumes' mount points exist in the image, owned by the app user: a new named volume takes
# its owner from there (otherwise root owns it and the app cannot write evidence or beat's file).
RUN useradd --create-home redress && mkdir -p /data/private /data/var && chown -R redress /data /app
USER redress
EXPOSE 8000
CMD ["gunicorn", "config.wsgi", "--config", "config/gunicorn.py", "--access-logfile", "-"]
