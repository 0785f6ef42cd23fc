# Leaderbot as a container: the bot, its store on the volume /data, the health endpoint on port 8080.
#
#   docker build -t leaderbot .
#   docker run -d --name leaderbot --env-file .env -e LEADERBOT_DB=/data/leaderbot.db \
#       -v leaderbot-data:/data -p 127.0.0.1:8080:8080 leaderbot
#
# Any Debian-based image with python3 (3.11+) and its venv module builds it: PYTHON_IMAGE names another base.
ARG PYTHON_IMAGE=python:3.11-slim-bookworm
FROM ${PYTHON_IMAGE}

ENV PYTHONDONTWRITEBYTECODE=1 \
    PYTHONUNBUFFERED=1 \
    PIP_DISABLE_PIP_VERSION_CHECK=1 \
    PIP_NO_CACHE_DIR=1 \
    PATH=/opt/venv/bin:$PATH \
    LEADERBOT_DB=/data/leaderbot.db \
    LEADERBOT_HTTP_HOST=0.0.0.0 \
    LEADERBOT_HTTP_PORT=8080

# Fonts for the history charts in Thai, Chinese and Japanese (matplotlib's own has none of their letters; without
# them a chart in those languages is drawn in English). matplotlib's font list is built once, here, outside the
# /data volume: a list cached there by an older image would not know them.
ENV MPLCONFIGDIR=/opt/matplotlib
RUN apt-get update \
    && apt-get install -y --no-install-recommends fonts-noto-cjk fonts-thai-tlwg fonts-wqy-zenhei \
    && rm -rf /var/lib/apt/lists/*

# A user of its own, without a shell; the store's folder and the backups' belong to it alone.
RUN useradd --system --uid 10001 --user-group --home-dir /data --shell /usr/sbin/nologin leaderbot \
    && mkdir -p /data /backups \
    && chown leaderbot:leaderbot /data /backups \
    && chmod 700 /data /backups

# The pinned dependencies first, in a layer of their own: a code change does not reinstall them.
COPY requirements.lock /app/requirements.lock
RUN python3 -m venv /opt/venv && pip install -r /app/requirements.lock \
    && python3 -c "import matplotlib.font_manager" && chown -R leaderbot:leaderbot /opt/matplotlib

COPY pyproject.toml README.md /app/
COPY bot /app/bot
COPY db /app/db
RUN pip install --no-deps /app && rm -rf /app/build /app/*.egg-info

USER leaderbot
WORKDIR /data
VOLUME ["/data"]
EXPOSE 8080

# /healthz answers 200 while the bot is connected to Discord and its store takes writes, 503 otherwise.
HEALTHCHECK --interval=60s --timeout=5s --start-period=90s --retries=3 \
    CMD ["python3", "-c", "import sys, urllib.request; urllib.request.urlopen('http://127.0.0.1:8080/healthz', timeout=4); sys.exit(0)"]

# SIGTERM (docker stop) closes the bot cleanly: the gateway, the scheduler, the store.
STOPSIGNAL SIGTERM
ENTRYPOINT ["leaderbot"]
CMD ["run"]
