# One image per Python app of the stack (the workflow host, the four services and the
# console): they differ only in PACKAGE and APP_DIR, so one Dockerfile builds all six, as
# docker-compose.yml does:
#   docker build -f docker/python-app.Dockerfile --network host \
#     --build-arg BASE_IMAGE=<scripts/base-image.sh> --build-arg PACKAGE=extract-service \
#     --build-arg APP_DIR=services/extract_service -t invoice/extract-service .
ARG BASE_IMAGE

FROM ${BASE_IMAGE} AS build
ARG UV_VERSION=0.9.7
ARG PACKAGE
# UV_NATIVE_TLS: trust the system's certificates (the base image's, which include the
# host's extra CAs when there are any), not only uv's bundled ones.
ENV UV_COMPILE_BYTECODE=1 UV_LINK_MODE=copy UV_PYTHON_DOWNLOADS=never \
    UV_PROJECT_ENVIRONMENT=/app/.venv UV_NO_CACHE=1 UV_NATIVE_TLS=1
RUN python3 -m venv /opt/uv && /opt/uv/bin/pip install --quiet --no-cache-dir "uv==${UV_VERSION}"
WORKDIR /app
# The workspace's manifests alone first: the layer of third-party packages is built again
# only when one of them or uv.lock changes, not on every source edit.
COPY pyproject.toml uv.lock ./
COPY shared/pyproject.toml shared/
COPY workflow_app/pyproject.toml workflow_app/
COPY services/upload_service/pyproject.toml services/upload_service/
COPY services/split_service/pyproject.toml services/split_service/
COPY services/extract_service/pyproject.toml services/extract_service/
COPY services/aggregate_service/pyproject.toml services/aggregate_service/
COPY console/pyproject.toml console/
COPY tools/invoice_gen/pyproject.toml tools/invoice_gen/
COPY tools/invoice_stack/pyproject.toml tools/invoice_stack/
COPY tools/invoice_eval/pyproject.toml tools/invoice_eval/
RUN /opt/uv/bin/uv sync --frozen --no-dev --no-install-workspace --package "${PACKAGE}"
# Then our code: the app and the shared contracts, installed as packages (editable, so
# `docker compose watch` can sync a source file and restart the app).
COPY shared/src shared/src
COPY workflow_app/src workflow_app/src
COPY services services
COPY console/src console/src
RUN /opt/uv/bin/uv sync --frozen --no-dev --package "${PACKAGE}"

FROM ${BASE_IMAGE}
ARG APP_DIR
ARG APP_UID=65534
# Debian packages an app needs at run time (the extract service: Tesseract for scans).
ARG APT_PACKAGES=""
RUN if [ -n "${APT_PACKAGES}" ]; then \
      apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq \
        --no-install-recommends ${APT_PACKAGES} >/dev/null && rm -rf /var/lib/apt/lists/*; \
    fi
WORKDIR /app
COPY --from=build /app/.venv /app/.venv
COPY --from=build /app/shared/src /app/shared/src
COPY --from=build /app/${APP_DIR}/src /app/${APP_DIR}/src
# Every image runs as `nobody` (65534), not a uid of its own: Debian's engine (20.10)
# looks the container's user up on the *host* when `docker compose watch` copies files
# in, and `nobody` is the one non-root user every Debian host has. The volumes' mount
# points and the synced sources belong to it (a new volume takes the mount point over).
RUN mkdir -p /stack/run/artifacts && chown -R ${APP_UID}:${APP_UID} /stack/run \
    && chown -R ${APP_UID}:${APP_UID} /app/${APP_DIR}/src /app/shared/src
USER nobody
# Two malloc arenas: a Python service's private memory creeps up less (see MALLOC_ARENAS
# in tools/invoice_stack/src/invoice_stack/topology/processes.py).
ENV PATH=/app/.venv/bin:$PATH PYTHONUNBUFFERED=1 HOME=/tmp MALLOC_ARENA_MAX=2 \
    HEALTH_URL=http://127.0.0.1:8000/healthz
# docker-compose.yml states each app's own check; this one serves a plain `docker run`.
HEALTHCHECK --interval=5s --timeout=4s --start-period=30s --retries=3 \
    CMD python -c "import os, urllib.request; urllib.request.urlopen(os.environ['HEALTH_URL'], timeout=3)"
