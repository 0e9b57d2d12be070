# Direktionens referater: the search UI and API with the index built in at image build time.
FROM python:3.11-slim

ENV PYTHONDONTWRITEBYTECODE=1 \
    PYTHONUNBUFFERED=1 \
    PIP_NO_CACHE_DIR=1 \
    PIP_DISABLE_PIP_VERSION_CHECK=1

RUN useradd --create-home --uid 10001 --shell /usr/sbin/nologin minutes
WORKDIR /app

COPY pyproject.toml README.md ./
COPY indexer ./indexer
COPY webui ./webui
RUN pip install .

COPY corpus ./corpus
RUN minutes index --corpus corpus --index /app/var/index && chown -R minutes:minutes /app/var

USER minutes
EXPOSE 8000
HEALTHCHECK --interval=30s --timeout=5s --start-period=10s --retries=3 \
    CMD ["python", "-c", "import urllib.request; urllib.request.urlopen('http://127.0.0.1:8000/healthz', timeout=4)"]
CMD ["minutes", "serve", "--index", "/app/var/index", "--host", "0.0.0.0", "--port", "8000"]
