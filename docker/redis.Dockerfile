# Debian's redis-server; docker-compose.yml runs it with AOF on, its data on a volume.
ARG BASE_IMAGE
FROM ${BASE_IMAGE}
ARG APP_UID=65534
RUN apt-get update -qq && apt-get install -y -qq --no-install-recommends redis-server \
    && rm -rf /var/lib/apt/lists/* /var/cache/apt/* \
    && mkdir -p /stack/run/redis && chown -R ${APP_UID}:${APP_UID} /stack/run
USER nobody
ENV HOME=/tmp
