"""Runs Schemathesis against an app in this process, as `st run` would against a server
(or, for the end-to-end suite, against a running app).

Every phase (examples, coverage, fuzzing, stateful) and every check, with a fixed seed
and a bounded number of examples per operation, so a run is repeatable and short. What
it finds comes back as text a failing assertion can show.
"""

from __future__ import annotations

import time
from dataclasses import dataclass, field
from typing import Any

import schemathesis
from fastapi import FastAPI
from hypothesis import strategies as st
from schemathesis.config import SchemathesisConfig
from schemathesis.engine import events, from_schema
from schemathesis.engine.statistic import Statistic
from schemathesis.python.asgi import shutdown_lifespans

# Fixed, so a failure seen once is seen again on the next run and on every machine.
SEED = 19
MAX_EXAMPLES = 25
MAX_RESPONSE_SECONDS = 10.0

# A body the schemas call application/pdf: Schemathesis cannot know what a PDF is, and
# random bytes are not one. A header and anything after it is what the apps look for.
PDF_BYTES = st.builds(
    lambda version, rest: b"%PDF-1." + version + b"\n" + rest,
    st.sampled_from([b"4", b"7"]),
    st.binary(max_size=512),
)
schemathesis.openapi.media_type("application/pdf", PDF_BYTES)


@dataclass
class ContractRun:
    operations: int
    cases: int
    seconds: float
    problems: list[str] = field(default_factory=list)
    # Phase name -> how it ended: "success", "failure", "skip" (e.g. stateful without
    # links between operations), ...
    phases: dict[str, str] = field(default_factory=dict)

    def summary(self) -> str:
        return f"{self.operations} operations, {self.cases} cases in {self.seconds:.1f} s"


def _config(
    headers: dict[str, str],
    max_examples: int,
    max_response_seconds: float,
    cookies: dict[str, str] | None = None,
) -> SchemathesisConfig:
    settings: dict[str, Any] = {
        "seed": SEED,
        "generation": {"max-examples": max_examples, "deterministic": True, "database": "none"},
        # Every check; the response-time one with a bound no answer should near.
        "checks": {"enabled": True, "max_response_time": max_response_seconds},
        "headers": headers,
        "workers": 1,
        "operations": [
            {
                # Every multipart field is text: an "integer" invoice id arrives as its
                # digits, a valid id, so a generated "wrong type" there is not one.
                "include-path": "/api/invoices",
                "include-method": "POST",
                "checks": {"negative_data_rejection": {"enabled": False}},
            }
        ],
    }
    if cookies:
        # As fixed parameters, not a Cookie header: a case that leaves a declared cookie
        # out then goes without it, as Schemathesis does for a header it leaves out.
        settings["parameters"] = {f"cookie.{name}": value for name, value in cookies.items()}
    return SchemathesisConfig.from_dict(settings)


def check_contract(
    app: FastAPI,
    *,
    headers: dict[str, str],
    max_examples: int = MAX_EXAMPLES,
    cookies: dict[str, str] | None = None,
) -> ContractRun:
    """Load `app`'s /openapi.json and run every phase and check, sending `headers`
    (the credentials) with every request, and `cookies` (a session's) with every request
    but those that test leaving them out."""
    config = _config(headers, max_examples, MAX_RESPONSE_SECONDS, cookies)
    schema = schemathesis.openapi.from_asgi("/openapi.json", app, config=config, headers=headers)
    try:
        return _run(schema)
    finally:
        shutdown_lifespans()  # the app's: Schemathesis keeps it running until exit


def check_live_contract(
    base_url: str,
    *,
    headers: dict[str, str],
    max_examples: int,
    max_response_seconds: float,
    cookies: dict[str, str] | None = None,
) -> ContractRun:
    """The same against a running app at `base_url` (the end-to-end stack's)."""
    config = _config(headers, max_examples, max_response_seconds, cookies)
    schema = schemathesis.openapi.from_url(
        f"{base_url}/openapi.json", config=config, headers=headers
    )
    return _run(schema)


def _run(schema: Any) -> ContractRun:
    started = time.monotonic()
    statistic = Statistic()
    run = ContractRun(operations=schema.statistic.operations.total, cases=0, seconds=0.0)
    for event in from_schema(schema).execute():
        _record(event, statistic, run)
    run.cases = statistic.total_cases
    run.seconds = time.monotonic() - started
    for label, groups in statistic.failures.items():
        for group in groups.values():
            for failure in group.failures:
                run.problems.append(f"{label}: {failure}\n{group.code_sample or ''}")
    return run


def _record(event: events.EngineEvent, statistic: Statistic, run: ContractRun) -> None:
    if isinstance(event, events.ScenarioFinished):
        statistic.on_scenario_finished(event.recorder)
    elif isinstance(event, events.PhaseFinished):
        run.phases[event.phase.name.value] = event.status.value
    elif isinstance(event, events.NonFatalError):
        run.problems.append(f"error in {event.label}: {event.info.title}\n{event.info.message}")
    elif isinstance(event, events.FatalError):
        run.problems.append(f"the run stopped: {event.exception!r}")
    elif isinstance(event, events.EngineFinished):
        statistic.record_run_check_failures(event.failures, label="checks after the run")
