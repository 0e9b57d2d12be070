# The search UI and API. Out of the box it serves Direktionens referater, indexed at build time.
# Your own minutes: mount their folder at /data/corpus and a volume at /data/index (README, "Docker");
# the container then brings that index up to date at every start and serves it.
FROM python:3.11-slim

ENV PYTHONDONTWRITEBYTECODE=1 \
    PYTHONUNBUFFERED=1 \
    PIP_NO_CACHE_DIR=1 \
    PIP_DISABLE_PIP_VERSION_CHECK=1

# The Danish model for text recognition of scanned minutes (indexer/sources/ocr.py).
RUN apt-get update && apt-get install -y --no-install-recommends tesseract-ocr-dan \
    && rm -rf /var/lib/apt/lists/*

RUN useradd --create-home --uid 10001 --shell /usr/sbin/nologin minutes
WORKDIR /app

COPY pyproject.toml README.md ./
COPY indexer ./indexer
COPY webui ./webui
RUN pip install .

COPY corpus ./corpus
RUN minutes index --corpus corpus --index /app/var/index && chown -R minutes:minutes /app/var \
    && mkdir -p /data/index && chown minutes:minutes /data/index

USER minutes
EXPOSE 8000
HEALTHCHECK --interval=30s --timeout=5s --start-period=10s --retries=3 \
    CMD ["python", "-c", "import urllib.request; urllib.request.urlopen('http://127.0.0.1:8000/healthz', timeout=4)"]
# A file that cannot be indexed is named in the log and the rest is served (hence ";", not "&&").
CMD ["sh", "-c", "if [ -d /data/corpus ]; then minutes index --corpus /data/corpus --index /data/index; exec minutes serve --index /data/index --host 0.0.0.0 --port 8000; else exec minutes serve --index /app/var/index --host 0.0.0.0 --port 8000; fi"]
