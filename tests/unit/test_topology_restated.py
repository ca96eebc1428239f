"""Files written by hand that must restate the topology (commands, docs, the `.http`
file's variables) agree with it: each mention of a port, a module or a secret's name is
compared with invoice_stack.topology."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from invoice_stack.collections import parse_http
from invoice_stack.topology import APP_MODULES, HOST_APP_ID
from invoice_stack.topology.credentials import API_KEY_VAR
from invoice_stack.topology.ports import DEFAULT_PORTS

REPO = Path(__file__).resolve().parents[2]
PORTS = DEFAULT_PORTS
HOST = PORTS.apps[HOST_APP_ID]
SERVICES = [PORTS.apps[app_id] for app_id in APP_MODULES if app_id != HOST_APP_ID]

# (file, a pattern whose group is a port, the port it must be)
PORT_MENTIONS = [
    ("Makefile", r"REDIS_HOST=127\.0\.0\.1:(\d+)", PORTS.redis),
    ("Makefile", r"API http://127\.0\.0\.1:(\d+)/docs", HOST.app),
    ("http/workflow.http", r"^@host = http://127\.0\.0\.1:(\d+)$", HOST.app),
    ("components/statestore.redis.yaml", r"127\.0\.0\.1:(\d+) locally", PORTS.redis),
    ("README.md", r"http://127\.0\.0\.1:(\d+)/", HOST.app),
    ("README.md", r"redis://127\.0\.0\.1:(\d+)", PORTS.redis),
    ("README.md", r"workflow-app :(\d+)", HOST.app),
    ("README.md", r"placement :(\d+)", PORTS.placement),
    ("README.md", r"scheduler :(\d+)", PORTS.scheduler),
    ("README.md", r"Redis :(\d+)", PORTS.redis),
]


@pytest.mark.parametrize(("name", "pattern", "port"), PORT_MENTIONS)
def test_every_mention_of_a_default_port_is_the_topologys(name: str, pattern: str, port: int):
    found = re.findall(pattern, (REPO / name).read_text(), flags=re.M)
    assert found, f"{name} no longer mentions {pattern!r}: update this test"
    assert {int(p) for p in found} == {port}, f"{name} disagrees with the topology"


def test_the_readme_lists_the_ports_make_up_uses():
    def spread(values: list[int]) -> str:
        return f"{values[0]}-{values[-1]}"

    sentence = (
        f"`make up` uses: workflow-app {HOST.app} (sidecar HTTP {HOST.dapr_http}, gRPC "
        f"{HOST.dapr_grpc}), services {'/'.join(str(s.app) for s in SERVICES)} (sidecars "
        f"{spread([s.dapr_http for s in SERVICES])}, gRPC "
        f"{spread([s.dapr_grpc for s in SERVICES])}), Redis {PORTS.redis}, placement "
        f"{PORTS.placement}, scheduler {PORTS.scheduler} (its etcd on "
        f"{PORTS.scheduler_etcd_client}/{PORTS.scheduler_etcd_peer},"
    )
    readme = " ".join((REPO / "README.md").read_text().split())
    assert sentence in readme


def test_the_architecture_diagram_shows_each_services_port():
    readme = (REPO / "README.md").read_text()
    diagram = readme[readme.index("## Architecture") : readme.index("`invoice_workflow`")]
    line = next(line for line in diagram.splitlines() if re.fullmatch(r"[\s:\d]+", line))
    assert [int(p) for p in re.findall(r":(\d+)", line)] == [s.app for s in SERVICES]


@pytest.mark.parametrize("app_id", [a for a in APP_MODULES if a != HOST_APP_ID])
def test_each_service_readme_runs_it_on_its_port(app_id: str):
    module = APP_MODULES[app_id]
    text = (REPO / "services" / module.split(".")[0] / "README.md").read_text()
    ports = re.findall(rf"uvicorn {re.escape(module)} --port (\d+)", text)
    assert ports, f"the {app_id} README no longer says how to run it alone: update this test"
    assert set(ports) == {str(PORTS.apps[app_id].app)}


def test_the_http_file_points_at_the_stack_and_reads_its_key_from_env():
    variables, _ = parse_http((REPO / "http" / "workflow.http").read_text())
    assert variables["host"] == f"http://127.0.0.1:{HOST.app}"
    assert variables["apiKey"] == "{{$dotenv " + API_KEY_VAR + "}}"
