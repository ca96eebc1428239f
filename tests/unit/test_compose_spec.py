"""docker-compose.yml as the topology renders it: host networking only, every container
checked for health and started in the order of `make up`, secrets only as references."""

from __future__ import annotations

import glob
import socket
import tomllib
from pathlib import Path

from invoice_stack.compose.project import ports_in_use
from invoice_stack.compose.spec import compose_file, env_file
from invoice_stack.tokens import StackTokens
from invoice_stack.topology import APP_IDS

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
