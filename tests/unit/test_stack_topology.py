"""The stack's description, pure: port planning and the processes a layout makes."""

from __future__ import annotations

from dataclasses import asdict, fields, replace
from pathlib import Path

import pytest

from invoice_shared.dapr_names import (
    AGGREGATE_APP_ID,
    EXTRACT_APP_ID,
    SERVICE_APP_IDS,
    WORKFLOW_APP_ID,
)
from invoice_stack.tokens import StackTokens
from invoice_stack.topology import (
    APP_IDS,
    StackLayout,
    api_url,
    build_processes,
    redis_host,
    sidecar,
    telemetry,
)
from invoice_stack.topology.apps import go_apps, replica_counts
from invoice_stack.topology.credentials import API_KEY_VAR, APP_TOKEN_VAR, DAPR_TOKEN_VAR
from invoice_stack.topology.ports import (
    DEFAULT_PORTS,
    PORT_COUNT,
    AppPorts,
    all_ports,
    assign_ports,
    free_ports,
    ports_from_dict,
    with_replicas,
)

LAYOUT = StackLayout(
    repo=Path("/repo"), bin_dir=Path("/bin"), run_dir=Path("/run"), source_dir=Path("/src")
)
TOKENS = StackTokens.generate(APP_IDS, api_key="public-api-key-0123456789")


def _argv_value(argv: list[str], flag: str) -> str:
    return argv[argv.index(flag) + 1]


def test_default_ports_are_distinct_and_below_the_ephemeral_range():
    ports = all_ports(DEFAULT_PORTS)
    assert len(ports) == len(set(ports)) == PORT_COUNT
    assert max(ports) < 32768


def test_planned_ports_are_taken_in_order_and_the_cli_keeps_its_etcd_port():
    planned = assign_ports(iter(range(20000, 20000 + PORT_COUNT)))
    assert planned.redis == 20000
    assert planned.scheduler_etcd_client == DEFAULT_PORTS.scheduler_etcd_client
    assert set(planned.apps) == set(DEFAULT_PORTS.apps)
    assert len(set(all_ports(planned))) == PORT_COUNT


def test_a_stack_nobody_purges_with_the_cli_plans_its_own_etcd_port():
    planned = assign_ports(iter(range(20000, 20000 + PORT_COUNT)), cli_purge=False)
    assert set(all_ports(planned)) == set(range(20000, 20000 + PORT_COUNT))


def test_infrastructure_starts_first_then_each_app_before_its_sidecar_then_the_console():
    names = [spec.name for spec in build_processes(LAYOUT, DEFAULT_PORTS, TOKENS)]
    apps = [name for app_id in APP_IDS for name in (app_id, f"{app_id}-dapr")]
    assert names == ["redis", "placement", "scheduler", *apps, "console"]


def test_the_console_talks_to_the_hosts_api_on_port_9999():
    (console,) = [s for s in build_processes(LAYOUT, DEFAULT_PORTS, TOKENS) if s.name == "console"]
    assert console.env == {"CONSOLE_HOST_API_URL": "http://127.0.0.1:8080"}
    assert console.health.url == "http://127.0.0.1:9999/healthz"


def test_infra_only_is_redis_placement_and_the_scheduler():
    specs = build_processes(LAYOUT, DEFAULT_PORTS, TOKENS, infra_only=True)
    assert [spec.name for spec in specs] == ["redis", "placement", "scheduler"]


def test_each_sidecar_runs_with_the_topologys_ports_flags_and_limit():
    specs = {spec.name: spec for spec in build_processes(LAYOUT, DEFAULT_PORTS, TOKENS)}
    for app_id in APP_IDS:
        argv, ports = specs[f"{app_id}-dapr"].argv, DEFAULT_PORTS.apps[app_id]
        assert argv[0] == "/bin/daprd"
        assert _argv_value(argv, "--app-id") == app_id
        assert _argv_value(argv, "--app-port") == str(ports.app)
        assert _argv_value(argv, "--dapr-http-port") == str(ports.dapr_http)
        assert _argv_value(argv, "--max-body-size") == sidecar.MAX_BODY_SIZE
        assert _argv_value(argv, "--config") == "/run/dapr-config.yaml"
        assert specs[f"{app_id}-dapr"].env["REDIS_HOST"] == redis_host(DEFAULT_PORTS)


def test_an_app_and_its_sidecar_share_one_token_pair_and_only_the_host_gets_the_key():
    specs = {spec.name: spec for spec in build_processes(LAYOUT, DEFAULT_PORTS, TOKENS)}
    for app_id in APP_IDS:
        pair = {
            APP_TOKEN_VAR: TOKENS.app_tokens[app_id],
            DAPR_TOKEN_VAR: TOKENS.dapr_tokens[app_id],
        }
        assert pair.items() <= specs[app_id].env.items()
        assert pair.items() <= specs[f"{app_id}-dapr"].env.items()
    assert specs[WORKFLOW_APP_ID].env[API_KEY_VAR] == TOKENS.api_key
    assert not any(API_KEY_VAR in specs[app_id].env for app_id in SERVICE_APP_IDS)


def test_extra_app_settings_reach_every_app_and_no_sidecar():
    specs = build_processes(LAYOUT, DEFAULT_PORTS, TOKENS, app_env={"PAGE_BATCH_SIZE": "5"})
    with_setting = {spec.name for spec in specs if spec.env.get("PAGE_BATCH_SIZE") == "5"}
    assert with_setting == set(APP_IDS)


def test_every_app_runs_with_two_malloc_arenas_and_a_setting_may_override_it():
    specs = build_processes(LAYOUT, DEFAULT_PORTS, TOKENS)
    assert {s.name for s in specs if s.env.get("MALLOC_ARENA_MAX") == "2"} == set(APP_IDS)
    specs = build_processes(LAYOUT, DEFAULT_PORTS, TOKENS, app_env={"MALLOC_ARENA_MAX": "8"})
    assert {s.env.get("MALLOC_ARENA_MAX") for s in specs if s.name in APP_IDS} == {"8"}


def test_the_host_is_ready_by_its_own_readyz_and_services_by_their_sidecars():
    specs = {spec.name: spec for spec in build_processes(LAYOUT, DEFAULT_PORTS, TOKENS)}
    host = DEFAULT_PORTS.apps[WORKFLOW_APP_ID]
    assert specs[f"{WORKFLOW_APP_ID}-dapr"].health.url == f"http://127.0.0.1:{host.app}/readyz"
    for app_id in SERVICE_APP_IDS:
        port = DEFAULT_PORTS.apps[app_id].dapr_http
        assert specs[f"{app_id}-dapr"].health.url == f"http://127.0.0.1:{port}/v1.0/healthz"
    assert specs["redis"].health.redis_port == DEFAULT_PORTS.redis


def test_the_api_url_is_the_hosts_app_port():
    assert api_url(DEFAULT_PORTS) == f"http://127.0.0.1:{DEFAULT_PORTS.apps[WORKFLOW_APP_ID].app}"


def test_replicas_get_ports_of_their_own_clear_of_every_other_port():
    ports = with_replicas(DEFAULT_PORTS, {WORKFLOW_APP_ID: 3, EXTRACT_APP_ID: 2})
    every = all_ports(ports)
    assert len(every) == len(set(every)) == PORT_COUNT + 3 * len(fields(AppPorts))
    assert max(every) < 32768  # below the ephemeral range, as the first instances are
    drawn = free_ports(seed=3, replicas={WORKFLOW_APP_ID: 3})
    assert len(set(all_ports(drawn))) == PORT_COUNT + 2 * len(fields(AppPorts))
    assert ports_from_dict(asdict(ports)) == ports  # through the state file and back


def test_each_replica_is_an_app_and_a_sidecar_of_its_own_with_the_same_app_id():
    ports = with_replicas(DEFAULT_PORTS, {WORKFLOW_APP_ID: 3, EXTRACT_APP_ID: 2})
    specs = {spec.name: spec for spec in build_processes(LAYOUT, ports, TOKENS)}
    for name, app_id in [
        ("workflow-app-3", WORKFLOW_APP_ID),
        ("extract-service-2", EXTRACT_APP_ID),
    ]:
        sidecar_argv = specs[f"{name}-dapr"].argv
        assert _argv_value(sidecar_argv, "--app-id") == app_id
        assert _argv_value(sidecar_argv, "--app-port") == _argv_value(specs[name].argv, "--port")
        assert specs[name].env["APP_ID"] == app_id
    assert "upload-service-2" not in specs
    scraped = telemetry.scrape_jobs(ports)
    assert len(scraped[WORKFLOW_APP_ID]) == 3 and len(scraped["dapr-sidecars"]) == 8


def test_replica_counts_come_from_the_environment_and_are_checked():
    assert replica_counts({"WORKFLOW_REPLICAS": "3", "EXTRACT_REPLICAS": ""}) == {
        WORKFLOW_APP_ID: 3
    }
    with pytest.raises(ValueError, match="a number of replicas"):
        replica_counts({"EXTRACT_REPLICAS": "two"})
    with pytest.raises(ValueError, match="1 to 3"):
        with_replicas(DEFAULT_PORTS, {WORKFLOW_APP_ID: 9})


def test_make_up_over_a_running_stack_names_the_replica_counts_it_cannot_change():
    from invoice_stack.supervisor.cli import _replicas_changed

    running = with_replicas(DEFAULT_PORTS, {WORKFLOW_APP_ID: 3})
    assert _replicas_changed(running, {}) == ""  # nothing asked: keep what runs
    assert _replicas_changed(running, {WORKFLOW_APP_ID: 3, EXTRACT_APP_ID: 1}) == ""
    assert _replicas_changed(running, {WORKFLOW_APP_ID: 2, EXTRACT_APP_ID: 2}) == (
        "WORKFLOW_REPLICAS: 3 -> 2, EXTRACT_REPLICAS: 1 -> 2"
    )


def test_an_app_runs_its_go_implementation_when_asked_with_the_same_port_and_env():
    assert go_apps({"AGGREGATE_IMPL": "go"}) == (AGGREGATE_APP_ID,)
    assert go_apps({"AGGREGATE_IMPL": "Python"}) == go_apps({}) == ()
    with pytest.raises(ValueError, match=r"python .* or go"):
        go_apps({"AGGREGATE_IMPL": "rust"})
    base = StackLayout(
        repo=Path("/r"), bin_dir=Path("/b"), run_dir=Path("/x"), source_dir=Path("/s")
    )
    binary = Path("/cache/aggregate-service-go")
    tokens = StackTokens.generate(APP_IDS, api_key="k" * 20)
    python = {p.name: p for p in build_processes(base, DEFAULT_PORTS, tokens)}
    go = {
        p.name: p
        for p in build_processes(
            replace(base, go_apps={AGGREGATE_APP_ID: binary}), DEFAULT_PORTS, tokens
        )
    }
    port = str(DEFAULT_PORTS.apps[AGGREGATE_APP_ID].app)
    assert go[AGGREGATE_APP_ID].argv == [str(binary), "--host", "127.0.0.1", "--port", port]
    assert go[AGGREGATE_APP_ID].env == python[AGGREGATE_APP_ID].env
    assert go[AGGREGATE_APP_ID].health == python[AGGREGATE_APP_ID].health
    assert {n: p for n, p in go.items() if n != AGGREGATE_APP_ID} == {
        n: p for n, p in python.items() if n != AGGREGATE_APP_ID
    }


def test_make_up_over_a_running_stack_names_an_implementation_it_cannot_change(
    monkeypatch: pytest.MonkeyPatch,
):
    from invoice_stack.supervisor.cli import _what_changed

    running_go = {"ports": asdict(DEFAULT_PORTS), "layout": {"go_apps": {AGGREGATE_APP_ID: "/b"}}}
    monkeypatch.delenv("AGGREGATE_IMPL", raising=False)
    assert _what_changed(running_go, {}, ()) == ""  # nothing asked: keep what runs
    monkeypatch.setenv("AGGREGATE_IMPL", "go")
    assert _what_changed(running_go, {}, (AGGREGATE_APP_ID,)) == ""
    monkeypatch.setenv("AGGREGATE_IMPL", "python")
    assert _what_changed(running_go, {}, ()) == "apps in Go: aggregate-service -> none"
    running_python = {"ports": asdict(DEFAULT_PORTS), "layout": {}}
    monkeypatch.setenv("AGGREGATE_IMPL", "go")
    assert _what_changed(running_python, {WORKFLOW_APP_ID: 2}, (AGGREGATE_APP_ID,)) == (
        "WORKFLOW_REPLICAS: 1 -> 2, apps in Go: none -> aggregate-service"
    )
