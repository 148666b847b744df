# Production image: gunicorn serves the app, WhiteNoise the static files.
FROM python:3.11-slim-bookworm

ENV PYTHONDONTWRITEBYTECODE=1 PYTHONUNBUFFERED=1 PIP_DISABLE_PIP_VERSION_CHECK=1

# WeasyPrint needs Pango; fonts for the PDF ship in static/.
RUN apt-get update \
    && apt-get install -y --no-install-recommends libpango-1.0-0 libpangoft2-1.0-0 libharfbuzz-subset0 \
    && rm -rf /var/lib/apt/lists/*

WORKDIR /app
COPY requirements.txt .
RUN pip install --no-cache-dir -r requirements.txt
COPY . .
# Collected with the production storage (hashed names and a manifest); the
# build-time values below exist only for this command.
RUN DEBUG=false SECRET_KEY=build-only-secret-key-not-used-at-run-time-0123456789abcdef \
        ALLOWED_HOSTS=build DATABASE_URL=sqlite:////tmp/build.sqlite3 \
        EMAIL_URL=dummy:// DEFAULT_FROM_EMAIL=build@localhost \
        python manage.py collectstatic --noinput \
    && useradd --create-home --uid 1000 app && mkdir -p /app/media /app/seal \
    && chown app /app/media /app/seal && chmod 700 /app/seal
USER app

EXPOSE 8000
# Without per-message deflate a room's message goes to every page as it was rendered,
# once, instead of being compressed again for each connection (and each socket
# keeps no compression state: see README, "Live pages: push").
CMD ["uvicorn", "cvm_align.asgi:application", "--host", "0.0.0.0", "--port", "8000", "--workers", "2", "--proxy-headers", "--ws-per-message-deflate", "false"]
