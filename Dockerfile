# Redress application image: web (gunicorn), worker and beat all run from it.
FROM python:3.11-slim-bookworm

ENV PYTHONDONTWRITEBYTECODE=1 PYTHONUNBUFFERED=1 UV_PROJECT_ENVIRONMENT=/opt/venv \
    PATH=/opt/venv/bin:$PATH DJANGO_SETTINGS_MODULE=config.settings.production
RUN apt-get update && apt-get install -y --no-install-recommends gettext postgresql-client \
    && rm -rf /var/lib/apt/lists/* && pip install --no-cache-dir uv
WORKDIR /app
COPY pyproject.toml uv.lock ./
RUN uv sync --frozen --no-dev
COPY . .
# Static files and translations are built into the image; these throwaway values only let
# the settings load for the build step.
RUN SECRET_KEY=build-only-not-secret-build-only-not-secret-build-only ALLOWED_HOSTS=build \
    python manage.py collectstatic --noinput \
    && python manage.py compilemessages --ignore=.venv -v 0
RUN useradd --create-home redress && mkdir -p /data/private && chown -R redress /data /app
USER redress
EXPOSE 8000
CMD ["gunicorn", "config.wsgi", "--bind", "0.0.0.0:8000", "--workers", "3", "--access-logfile", "-"]
