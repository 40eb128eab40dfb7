# syntax=docker/dockerfile:1
# One image for the web server, the Celery worker and beat (see docker-compose.yml).
FROM python:3.11-slim-bookworm

# PYTHONPATH: the code in /app comes before the installed copy, so that BASE_DIR (templates/,
# static/, locale/) is /app and not site-packages.
ENV PYTHONDONTWRITEBYTECODE=1 \
    PYTHONUNBUFFERED=1 \
    PIP_NO_CACHE_DIR=1 \
    PIP_DISABLE_PIP_VERSION_CHECK=1 \
    PYTHONPATH=/app \
    DJANGO_STATIC_ROOT=/app/staticfiles \
    DJANGO_MEDIA_ROOT=/data/media

# WeasyPrint's libraries for PDF reports (its documented Debian list: Pango, PangoFT2, HarfBuzz
# with its subsetter), fontconfig and DejaVu so a PDF has glyphs to draw, shared-mime-info for
# image types, and gettext for compilemessages.
RUN apt-get update \
    && apt-get install -y --no-install-recommends \
        libpango-1.0-0 \
        libpangoft2-1.0-0 \
        libharfbuzz0b \
        libharfbuzz-subset0 \
        libfontconfig1 \
        fonts-dejavu-core \
        shared-mime-info \
        gettext \
    && rm -rf /var/lib/apt/lists/*

RUN groupadd --system app \
    && useradd --system --gid app --home-dir /app --no-create-home --shell /usr/sbin/nologin app

WORKDIR /app

# Dependencies first, in their own layer, so a change to the code does not reinstall them.
COPY pyproject.toml ./
RUN python -c "import tomllib; p = tomllib.load(open('pyproject.toml', 'rb'))['project']; \
print('\n'.join(p['dependencies'] + p['optional-dependencies']['server']))" > /tmp/requirements.txt \
    && pip install -r /tmp/requirements.txt \
    && rm /tmp/requirements.txt

COPY . .
RUN pip install --no-deps ".[server]" \
    && rm -rf build *.egg-info

# Compile the translation catalogues (if there are any yet) and collect the static files. Settings
# need a secret in production mode; this one exists only during the build.
RUN if find locale -name '*.po' 2>/dev/null | grep -q .; then python manage.py compilemessages; fi \
    && DJANGO_PRODUCTION=true \
       DJANGO_SECRET_KEY=build-only-not-a-secret-build-only-not-a-secret-build-only \
       DJANGO_ALLOWED_HOSTS=localhost \
       python manage.py collectstatic --noinput \
    && mkdir -p /data/media \
    && chown -R app:app /app/staticfiles /data

USER app
EXPOSE 8000

CMD ["gunicorn", "modellkoncept.wsgi", "--bind", "0.0.0.0:8000", "--access-logfile", "-", \
     "--worker-tmp-dir", "/dev/shm"]
