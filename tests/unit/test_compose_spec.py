"""docker-compose.yml as the topology renders it: host networking only, every container
checked for health and started in the order of `make up`, secrets only as references."""

from __future__ import annotations

import glob
import socket
import tomllib
from pathlib import Path

from invoice_shared.dapr_names import AGGREGATE_APP_ID, EXTRACT_APP_ID, WORKFLOW_APP_ID
from invoice_stack.compose.project import ports_in_use
from invoice_stack.compose.spec import Override, compose_file, env_file, overrides, render
from invoice_stack.tokens import StackTokens
from invoice_stack.topology import APP_IDS
from invoice_stack.topology.ports import DEFAULT_PORTS, with_replicas

DOC = compose_file()
SERVICES = DOC["services"]


def test_every_container_and_build_uses_host_networking_and_publishes_nothing():
    for name, service in SERVICES.items():
        assert service["network_mode"] == "host", name
        assert "ports" not in service and "networks" not in service, name
        if "build" in service:
            assert service["build"]["network"] == "host", name
    assert "networks" not in DOC


def test_every_container_has_a_health_check_and_a_restart_policy():
    for name, service in SERVICES.items():
        assert service["healthcheck"]["test"][0] == "CMD", name
        assert service["restart"] == "unless-stopped", name


def test_apps_wait_for_healthy_infrastructure_and_sidecars_for_their_app():
    for app_id in APP_IDS:
        assert SERVICES[app_id]["depends_on"]["redis"] == {"condition": "service_healthy"}
        assert app_id in SERVICES[f"{app_id}-dapr"]["depends_on"]
    assert SERVICES["console"]["depends_on"] == {"workflow-app": {"condition": "service_healthy"}}


def test_secrets_are_references_filled_from_the_env_file():
    tokens = StackTokens.generate(APP_IDS, api_key="k" * 20)
    env = env_file(tokens, "invoice/base:x", "1.18.2")
    for app_id in APP_IDS:
        environment = SERVICES[app_id]["environment"]
        assert environment["APP_API_TOKEN"].startswith("${"), app_id
        assert tokens.app_tokens[app_id] in env
    assert "INVOICE_API_KEY=" + "k" * 20 in env


def test_a_taken_port_is_named():
    with socket.socket() as holder:
        holder.bind(("127.0.0.1", 0))
        holder.listen()
        port = holder.getsockname()[1]
        assert ports_in_use([port]) == [port]


def test_the_app_image_copies_every_workspace_members_manifest():
    """uv refuses to sync a workspace whose member manifests are missing from the build."""
    repo = Path(__file__).resolve().parents[2]
    members = tomllib.loads((repo / "pyproject.toml").read_text())["tool"]["uv"]["workspace"]
    dockerfile = (repo / "docker" / "python-app.Dockerfile").read_text()
    for pattern in members["members"]:
        for member in glob.glob(pattern, root_dir=repo):
            copied = f"COPY {member}/pyproject.toml" in dockerfile
            copied = copied or f"COPY {Path(member).parent}/" in dockerfile  # a whole folder
            assert copied, f"docker/python-app.Dockerfile does not copy {member}/pyproject.toml"


def test_only_the_extract_service_image_installs_tesseract():
    for name, service in SERVICES.items():
        packages = service.get("build", {}).get("args", {}).get("APT_PACKAGES", "")
        assert ("tesseract-ocr-deu" in packages) == (name == "extract-service"), name


REPLICATED = with_replicas(DEFAULT_PORTS, {WORKFLOW_APP_ID: 3, EXTRACT_APP_ID: 2})


def test_replicas_come_in_a_second_file_each_with_its_sidecar_and_ports_apart():
    overlay = overrides(REPLICATED)["services"]
    assert sorted(overlay) == sorted(
        [
            "workflow-app-2",
            "workflow-app-2-dapr",
            "workflow-app-3",
            "workflow-app-3-dapr",
            "extract-service-2",
            "extract-service-2-dapr",
        ]
    )
    assert not set(overlay) & set(SERVICES)
    host_3 = overlay["workflow-app-3"]
    # The image the first instance builds, never built twice nor pulled.
    assert host_3["image"] == SERVICES["workflow-app"]["image"] and "build" not in host_3
    assert host_3["pull_policy"] == "never"
    ports = REPLICATED.replicas[WORKFLOW_APP_ID][1]
    assert host_3["command"][host_3["command"].index("--port") + 1] == str(ports.app)
    assert host_3["environment"]["APP_ID"] == WORKFLOW_APP_ID
    sidecar = overlay["workflow-app-3-dapr"]
    assert sidecar["command"][sidecar["command"].index("--app-id") + 1] == WORKFLOW_APP_ID
    assert sidecar["command"][sidecar["command"].index("--app-port") + 1] == str(ports.app)
    # A host's sidecar is healthy only once the host is ready, which needs the sidecar.
    assert sidecar["depends_on"] == {"workflow-app-3": {"condition": "service_started"}}
    extract_sidecar = overlay["extract-service-2-dapr"]["depends_on"]
    assert extract_sidecar == {"extract-service-2": {"condition": "service_healthy"}}


def test_the_first_instances_are_the_same_with_or_without_replicas():
    # Replicas only add services: nothing of docker-compose.yml's is replaced.
    full = compose_file(REPLICATED)["services"]
    assert {name: full[name] for name in SERVICES} == SERVICES


def test_a_go_implementation_takes_the_place_of_the_python_one_and_nothing_else():
    replaced = overrides(REPLICATED, go_apps=(AGGREGATE_APP_ID,))["services"]
    assert set(replaced) - set(overrides(REPLICATED)["services"]) == {AGGREGATE_APP_ID}
    go = replaced[AGGREGATE_APP_ID]
    assert isinstance(go, Override)  # replaced whole: Compose would merge the volumes
    python = SERVICES[AGGREGATE_APP_ID]
    assert go["image"] == "invoice/aggregate-service-go:latest"
    assert go["build"]["context"] == ".run/docker/aggregate-service-go"
    # The same port, credentials, health check and start order; another program.
    assert go["command"][0] == "aggregate-service-go"
    assert go["command"][1:] == ["--host", "127.0.0.1", "--port", python["command"][-2]]
    assert go["environment"] == python["environment"]
    assert go["healthcheck"] == python["healthcheck"]
    assert go["depends_on"] == python["depends_on"]
    assert "volumes" not in go and "develop" not in go
    assert "  aggregate-service: !override\n" in render(
        overrides(DEFAULT_PORTS, (AGGREGATE_APP_ID,))
    )


def test_the_env_file_names_the_replicas_file_so_plain_compose_commands_see_it():
    tokens = StackTokens.generate(APP_IDS, api_key="k" * 20)
    files = ("docker-compose.yml", ".run/compose/replicas.yml")
    assert "COMPOSE_FILE=docker-compose.yml:.run/compose/replicas.yml\n" in env_file(
        tokens, "invoice/base:x", "1.18.2", files
    )
    assert "COMPOSE_FILE" not in env_file(tokens, "invoice/base:x", "1.18.2")
