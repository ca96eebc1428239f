# A service of ours written in Go (services/<name>_go), from the binary
# scripts/build-go-service.sh builds; `make compose-up` stages it (and only it) with this
# file in .run/docker/<app id>-go. Static (CGO off): the base image adds nothing it needs
# but python3 for the compose file's health check.
ARG BASE_IMAGE
FROM ${BASE_IMAGE}
COPY --chmod=755 *-go /usr/local/bin/
USER nobody
ENV HOME=/tmp
