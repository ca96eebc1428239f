"""The test stack interface (stack.py) for the compose stack: the images of
docker-compose.yml, rendered on free ports under a project of the session's own
(E2E_STACK=compose, `make test-compose`). Processes are containers: kill is
`docker kill`, restart recreates the container, freeze is `docker pause`."""

from __future__ import annotations

import dataclasses
import json
import signal
import subprocess
import threading
import time
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path

from invoice_stack.compose.project import ComposeProject, prepare
from invoice_stack.compose.spec import CONTAINER_LAYOUT, compose_file, render
from invoice_stack.layout import dapr_bin_dir
from invoice_stack.tokens import StackTokens
from invoice_stack.topology import APP_IDS, StackLayout
from invoice_stack.topology.ports import StackPorts

from .stack import RunningStack
from .supervised import _running

PROJECT = "invoice-e2e"


@dataclass
class ComposeStack:
    """A compose project on free ports (and the replicas they name), its files in
    `run_dir`: one document, the replicas' services beside the first instances'."""

    repo: Path
    run_dir: Path
    ports: StackPorts
    app_env: dict[str, str]
    extract_limit: int
    name: str = PROJECT  # the compose project's
    go_apps: tuple[str, ...] = ()  # apps running their Go implementation
    project: ComposeProject = field(init=False)
    tokens: StackTokens = field(init=False)
    overrides: dict[str, dict[str, str]] = field(default_factory=dict)

    def __post_init__(self) -> None:
        self.project = ComposeProject(
            self.repo, self.name, self.run_dir / "docker-compose.yml", self.run_dir / ".env"
        )
        self.tokens = StackTokens.load_or_create(self.run_dir, APP_IDS)
        self.source_dir.mkdir(parents=True, exist_ok=True)

    @property
    def source_dir(self) -> Path:
        return self.run_dir / "source"

    def write_file(self) -> None:
        document = compose_file(
            self.ports,
            self.app_env,
            config=str(self.run_dir / "dapr-config.yaml"),
            data=str(self.source_dir),
            name=self.name,
            env_by_service=self.overrides,
            go_apps=self.go_apps,
        )
        self.project.compose_file.write_text(render(document))

    def start(self) -> None:
        prepare(
            self.project,
            self.run_dir,
            self.tokens,
            self.run_dir / "dapr-config.yaml",
            self.extract_limit,
            self.ports,
            self.go_apps,
        )
        self.write_file()
        self.project.down(volumes=True)  # leftovers of an interrupted session
        self.project.up()

    def stop(self) -> None:
        self.project.down(volumes=True)

    def artifact_dir(self) -> Path:
        out = subprocess.run(
            ["docker", "volume", "inspect", "-f", "{{.Mountpoint}}", f"{self.name}_artifacts"],
            check=True, stdout=subprocess.PIPE, text=True,
        ).stdout  # fmt: skip
        return Path(out.strip())


class ContainerProcesses:
    """StackProcesses over the containers of a ComposeStack.

    A crash is a container that died with a non-zero code (the engine's `die` events,
    which name the code even when the restart policy has started it again since), or one
    that stays down, unless a test stopped it on purpose (`kill`, `restart`, `forgive`).
    """

    def __init__(self, stack: ComposeStack) -> None:
        self._stack = stack
        self.project = stack.project
        self.repo = stack.repo
        self.stopped = False  # brought down by a test: nothing to watch or stop any more
        self._held: set[str] = set()  # killed by a test, until it restarts them
        self._forgiven: dict[str, int] = {}  # service -> deaths before this (ns) are ours
        self._deaths: list[tuple[str, int, int]] = []  # (service, exit code, time ns)
        self._archive: dict[str, str] = {}  # logs of containers a restart replaced
        self._events = subprocess.Popen(
            ["docker", "events", "--format", "{{json .}}",
             "--filter", "type=container", "--filter", "event=die",
             "--filter", f"label=com.docker.compose.project={stack.project.name}"],
            stdout=subprocess.PIPE, text=True,
        )  # fmt: skip
        self._reader = threading.Thread(target=self._collect_deaths, daemon=True)
        self._reader.start()

    def _collect_deaths(self) -> None:
        assert self._events.stdout is not None
        for line in self._events.stdout:
            event = json.loads(line)
            attributes = event["Actor"]["Attributes"]
            self._deaths.append(
                (
                    attributes["com.docker.compose.service"],
                    int(attributes.get("exitCode", "0")),
                    int(event["timeNano"]),
                )
            )

    def close(self) -> None:
        self._events.terminate()
        self._events.wait(timeout=10)
        self._reader.join(timeout=10)  # it ends at the pipe's end of file
        if self._events.stdout is not None:
            self._events.stdout.close()

    def _docker(self, *args: str) -> str:
        return subprocess.run(
            ["docker", *args], check=True, stdout=subprocess.PIPE, text=True
        ).stdout

    def _id(self, name: str) -> str:
        return self._stack.project.container(name)

    def container_id(self, name: str) -> str:
        return self._id(name)

    def main_pid(self, name: str) -> int:
        """The host PID of the container's main process."""
        return int(self._docker("inspect", "-f", "{{.State.Pid}}", self._id(name)))

    def restart_count(self, name: str) -> int:
        """How often the engine's restart policy has started it again."""
        return int(self._docker("inspect", "-f", "{{.RestartCount}}", self._id(name)))

    def forgive(self, name: str) -> None:
        """Deaths of `name` until now were the test's doing, not crashes."""
        self._held.discard(name)
        self._forgiven[name] = time.time_ns()

    def kill(self, name: str, sig: signal.Signals = signal.SIGKILL) -> None:
        self._held.add(name)
        self._docker("kill", "--signal", sig.name, self._id(name))

    def restart(self, name: str, env: Mapping[str, str] | None = None) -> None:
        if env:
            self._stack.overrides[name] = dict(env)
        else:
            self._stack.overrides.pop(name, None)
        self._stack.write_file()
        self._archive[name] = self.log_text(name)  # the new container starts a new log
        self._held.add(name)
        self._stack.project.run("up", "--detach", "--no-deps", "--force-recreate", "--wait", name)
        self.forgive(name)

    def freeze(self, name: str) -> None:
        self._docker("pause", self._id(name))

    def thaw(self, name: str) -> None:
        self._docker("unpause", self._id(name))

    def failures(self) -> list[tuple[str, int]]:
        if self.stopped:
            return []
        found = [
            (service, code)
            for service, code, when in list(self._deaths)
            if code != 0 and service not in self._held and when > self._forgiven.get(service, 0)
        ]
        ids = self._stack.project.run("ps", "--all", "--quiet", capture=True).split()
        for container in json.loads(self._docker("inspect", *ids)) if ids else []:
            service = container["Config"]["Labels"]["com.docker.compose.service"]
            state = container["State"]
            if service not in self._held and not state["Running"]:
                found.append((service, state["ExitCode"]))
        return found

    def log_text(self, name: str) -> str:
        current = self._stack.project.run(
            "logs", "--no-color", "--no-log-prefix", name, check=False, capture=True
        )
        return self._archive.get(name, "") + current


def compose_running(stack: ComposeStack) -> RunningStack:
    processes = ContainerProcesses(stack)
    # The layout of the host side: the stock `dapr` CLI runs here, not in a container.
    layout = StackLayout(
        repo=stack.repo,
        bin_dir=dapr_bin_dir(stack.repo),
        run_dir=stack.run_dir,
        source_dir=stack.source_dir,
        # In containers; said here so the tests know to look for them.
        jaeger=CONTAINER_LAYOUT.jaeger,
        prometheus=CONTAINER_LAYOUT.prometheus,
    )
    running = _running(layout, stack.ports, stack.tokens, processes.log_text, processes)
    return dataclasses.replace(running, artifact_dir=stack.artifact_dir())
