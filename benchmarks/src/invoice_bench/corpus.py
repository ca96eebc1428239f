"""The benchmark's corpus: generated invoices with their ground truth, from fixed seeds.

Two parts: a mix of `count` invoices of 1-15 pages (page counts drawn from the seed),
and scaling singles of 1, 10, 100, 500 and 2,000 pages. The same arguments always give the
same PDFs (invoice_gen is deterministic), so every peer, and every run, sees the same
bytes. `build_corpus` writes `<id>.pdf` and `<id>.json` (the truth) into one directory,
which is the upload step's source directory: each item's `pdf_path` is relative to it,
as the Dapr stack's REST API wants it.
"""

from __future__ import annotations

import json
import random
from collections.abc import Sequence
from dataclasses import asdict, dataclass
from pathlib import Path

from invoice_gen import generate_invoice
from invoice_shared.models import AggregatedInvoice

MIX_PAGES = (1, 15)
SCALING_PAGES = (1, 10, 100, 500, 2000)
# Peers whose singles stop at a size, and why (the report repeats it).
SCALING_CAPS = {
    "prefect": (
        500,
        "skipped to keep the run short: at its 500-page pace, about 8 minutes for 2,000 pages",
    ),
    "temporal": (
        500,
        "this peer's aggregate activity takes every page's extraction in one payload, about "
        "600 KB per 500 pages: 2,000 pages would exceed Temporal's 2 MB payload limit (keeping "
        "them outside the history, as the Dapr workflow does, would lift it)",
    ),
}
MANIFEST = "manifest.json"


@dataclass(frozen=True)
class Spec:
    """What makes one corpus invoice: generate_invoice(seed, pages, ...) under an id."""

    invoice_id: str
    seed: int
    pages: int
    kind: str  # "mix" or "scaling"
    inconsistent: bool = False


@dataclass(frozen=True)
class CorpusItem:
    spec: Spec
    source_dir: Path
    truth: AggregatedInvoice

    @property
    def invoice_id(self) -> str:
        return self.spec.invoice_id

    @property
    def pages(self) -> int:
        return self.spec.pages

    @property
    def pdf_path(self) -> str:
        """Relative to source_dir (the upload step's SOURCE_BASE_DIR)."""
        return f"{self.spec.invoice_id}.pdf"

    @property
    def pdf_file(self) -> Path:
        return self.source_dir / self.pdf_path


def plan(
    count: int = 50,
    seed: int = 20_250_101,
    scaling: Sequence[int] = SCALING_PAGES,
    inconsistent_share: float = 0.0,
) -> list[Spec]:
    """The corpus's specification, one Spec per invoice: the mix, then the scaling singles.

    With `inconsistent_share` > 0 that share of the mix prints a total that disagrees
    with subtotal + tax (the truth then carries the aggregation's warning; on the Dapr
    stack such an invoice waits for approval unless APPROVAL_ON_WARNINGS=false).
    """
    rng = random.Random(f"invoice-bench/{seed}")
    specs = []
    for n in range(count):
        pages = rng.randint(*MIX_PAGES)
        inconsistent = rng.random() < inconsistent_share
        specs.append(Spec(f"bench-{seed}-{n:04d}-{pages}p", seed + n, pages, "mix", inconsistent))
    specs += [
        Spec(f"bench-{seed}-scale-{pages}p", seed + 100_000 + pages, pages, "scaling")
        for pages in scaling
    ]
    return specs


def build_corpus(
    out_dir: Path,
    count: int = 50,
    seed: int = 20_250_101,
    scaling: Sequence[int] = SCALING_PAGES,
    inconsistent_share: float = 0.0,
) -> list[CorpusItem]:
    """Write the corpus to `out_dir` (files already there for the same spec are kept)."""
    out_dir.mkdir(parents=True, exist_ok=True)
    specs = plan(count, seed, scaling, inconsistent_share)
    known = {spec.invoice_id: spec for spec in _read_manifest(out_dir)}
    for spec in specs:
        pdf = out_dir / f"{spec.invoice_id}.pdf"
        truth = out_dir / f"{spec.invoice_id}.json"
        if known.get(spec.invoice_id) == spec and pdf.exists() and truth.exists():
            continue
        generated = generate_invoice(
            spec.seed, spec.pages, invoice_id=spec.invoice_id, inconsistent=spec.inconsistent
        )
        pdf.write_bytes(generated.pdf)
        truth.write_text(generated.truth.model_dump_json(indent=2) + "\n", encoding="utf-8")
        known[spec.invoice_id] = spec
        _write_manifest(out_dir, list(known.values()))
    _write_manifest(out_dir, list(known.values()))
    return [_item(out_dir, spec) for spec in specs]


def load_corpus(out_dir: Path, invoice_ids: Sequence[str] | None = None) -> list[CorpusItem]:
    """The corpus written earlier to `out_dir`: all of it, or the given ids in order."""
    specs = _read_manifest(out_dir)
    if invoice_ids is not None:
        by_id = {spec.invoice_id: spec for spec in specs}
        specs = [by_id[invoice_id] for invoice_id in invoice_ids]
    return [_item(out_dir, spec) for spec in specs]


def _read_manifest(out_dir: Path) -> list[Spec]:
    path = out_dir / MANIFEST
    if not path.exists():
        return []
    return [Spec(**row) for row in json.loads(path.read_text(encoding="utf-8"))]


def _write_manifest(out_dir: Path, specs: list[Spec]) -> None:
    rows = [asdict(spec) for spec in specs]
    (out_dir / MANIFEST).write_text(json.dumps(rows, indent=1) + "\n", encoding="utf-8")


def _item(out_dir: Path, spec: Spec) -> CorpusItem:
    truth_file = out_dir / f"{spec.invoice_id}.json"
    truth = AggregatedInvoice.model_validate_json(truth_file.read_text(encoding="utf-8"))
    return CorpusItem(spec=spec, source_dir=out_dir.resolve(), truth=truth)
