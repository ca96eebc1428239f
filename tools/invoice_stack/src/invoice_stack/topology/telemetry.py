"""Jaeger and Prometheus beside the stack: their processes, configs and what the
apps and sidecars are told about them (pure)."""

from __future__ import annotations

from pathlib import Path

import yaml

from invoice_stack.observability.prometheus_config import render_prometheus_config
from invoice_stack.topology.apps import APP_IDS
from invoice_stack.topology.ports import LOOPBACK, StackPorts

JAEGER = "jaeger"
PROMETHEUS = "prometheus"
ALERT_RULES = Path("observability") / "prometheus" / "alerts.yml"
# Jaeger keeps traces in memory: enough for a long soak, bounded for a laptop.
MAX_TRACES = 20_000


def jaeger_config(ports: StackPorts) -> str:
    """Jaeger v2 (an OpenTelemetry Collector build): OTLP in, in-memory storage, the
    query API out; all on loopback. Its own telemetry is off: nothing scrapes it."""
    config = {
        "service": {
            "extensions": ["jaeger_storage", "jaeger_query"],
            "pipelines": {
                "traces": {
                    "receivers": ["otlp"],
                    "processors": ["batch"],
                    "exporters": ["jaeger_storage_exporter"],
                }
            },
            "telemetry": {"metrics": {"level": "none"}, "logs": {"level": "info"}},
        },
        "extensions": {
            "jaeger_storage": {"backends": {"memstore": {"memory": {"max_traces": MAX_TRACES}}}},
            "jaeger_query": {
                "storage": {"traces": "memstore"},
                "enable_tracing": False,
                "http": {"endpoint": f"{LOOPBACK}:{ports.jaeger_query}"},
                "grpc": {"endpoint": f"{LOOPBACK}:{ports.jaeger_query_grpc}"},
            },
        },
        "receivers": {
            "otlp": {
                "protocols": {
                    "grpc": {"endpoint": f"{LOOPBACK}:{ports.otlp_grpc}"},
                    "http": {"endpoint": f"{LOOPBACK}:{ports.otlp_http}"},
                }
            }
        },
        "processors": {"batch": {}},
        "exporters": {"jaeger_storage_exporter": {"trace_storage": "memstore"}},
    }
    return yaml.safe_dump(config, sort_keys=False)


def scrape_jobs(ports: StackPorts) -> dict[str, list[str]]:
    """Prometheus jobs: each app's /metrics (every replica), every sidecar, and the
    control plane."""
    instances = [(app_id, ports.apps[app_id]) for app_id in APP_IDS] + [
        (app_id, more) for app_id in APP_IDS for more in ports.replicas.get(app_id, ())
    ]
    jobs: dict[str, list[str]] = {app_id: [] for app_id in APP_IDS}
    for app_id, app in instances:
        jobs[app_id].append(f"{LOOPBACK}:{app.app}")
    jobs["dapr-sidecars"] = [f"{LOOPBACK}:{app.metrics}" for _, app in instances]
    jobs["dapr-control-plane"] = [
        f"{LOOPBACK}:{ports.placement_metrics}",
        f"{LOOPBACK}:{ports.scheduler_metrics}",
    ]
    return jobs


def prometheus_config(ports: StackPorts, repo: Path) -> str:
    return render_prometheus_config(scrape_jobs(ports), [repo / ALERT_RULES])


def app_tracing_env(ports: StackPorts, sampling_rate: float) -> dict[str, str]:
    """What every app needs to export its spans (see invoice_shared.telemetry)."""
    return {
        "OTEL_EXPORTER_OTLP_ENDPOINT": f"http://{LOOPBACK}:{ports.otlp_http}",
        "TRACE_SAMPLING_RATE": str(sampling_rate),
    }


def sidecar_tracing(ports: StackPorts, sampling_rate: float) -> dict[str, object]:
    """The `tracing` section of the sidecars' Dapr Configuration."""
    return {
        "samplingRate": str(sampling_rate),
        "otel": {
            "endpointAddress": f"{LOOPBACK}:{ports.otlp_grpc}",
            "isSecure": False,
            "protocol": "grpc",
        },
    }
