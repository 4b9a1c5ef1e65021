# thidua: the emulation-and-commendation bot (Telegram and Zalo).
FROM python:3.11-slim

ENV PYTHONDONTWRITEBYTECODE=1 \
    PYTHONUNBUFFERED=1 \
    PIP_NO_CACHE_DIR=1 \
    THIDUA_DATABASE=/data/thidua.sqlite3

WORKDIR /app
COPY pyproject.toml README.md ./
COPY bot ./bot
COPY app ./app
COPY channels ./channels
COPY domain ./domain
COPY storage ./storage
COPY locales ./locales
COPY reports ./reports
COPY emulator ./emulator
RUN pip install . \
    && useradd --system --uid 10001 --home-dir /data thidua \
    && mkdir -p /data && chown thidua /data

USER thidua
VOLUME ["/data"]
# Webhook mode listens on THIDUA_WEBHOOK_PORT (default 8443); polling needs no port.
EXPOSE 8443
ENTRYPOINT ["thidua"]
CMD ["run"]
