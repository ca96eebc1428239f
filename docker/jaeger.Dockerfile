# Jaeger v2, from the binary scripts/install-jaeger.sh builds; `make compose-up` stages it
# in .run/docker/jaeger. Its configuration is mounted (written from the topology).
ARG BASE_IMAGE
FROM ${BASE_IMAGE}
COPY jaeger /usr/local/bin/
USER nobody
ENV HOME=/tmp
