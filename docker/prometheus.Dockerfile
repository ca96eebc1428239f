# Debian's prometheus; its configuration and the alert rules are mounted, its data is on
# a volume. No service may start during the build (there is no init in a container).
ARG BASE_IMAGE
FROM ${BASE_IMAGE}
ARG APP_UID=65534
RUN printf '#!/bin/sh\nexit 101\n' > /usr/sbin/policy-rc.d && chmod +x /usr/sbin/policy-rc.d \
    && apt-get update -qq && apt-get install -y -qq --no-install-recommends prometheus \
    && rm -rf /var/lib/apt/lists/* /var/cache/apt/* /usr/sbin/policy-rc.d \
    && mkdir -p /stack/run/prometheus && chown -R ${APP_UID}:${APP_UID} /stack/run
USER nobody
ENV HOME=/tmp
