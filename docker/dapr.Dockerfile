# daprd, placement and scheduler, from the binaries scripts/install-dapr.sh builds (or a
# `dapr init` installation); `make compose-up` stages them in .run/docker/dapr.
ARG BASE_IMAGE
FROM ${BASE_IMAGE}
ARG APP_UID=65534
COPY daprd placement scheduler /usr/local/bin/
RUN mkdir -p /stack/run/placement /stack/run/scheduler \
    && chown -R ${APP_UID}:${APP_UID} /stack/run
USER nobody
ENV HOME=/tmp
