"""A folder of localised invoices with their truth, for testing an extractor.

`write_corpus` writes <id>.pdf and <id>.json per invoice. The JSON is the
AggregatedInvoice the pipeline should return, plus three keys describing the
document: "language", "scanned" (an image-only PDF with no text layer) and
"variant" (every presentation choice, see invoice_gen.variants.Variant).
The same arguments always write the same files.
"""

from __future__ import annotations

import json
import random
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from invoice_gen.generator import GeneratedInvoice, generate_invoice
from invoice_gen.languages import LANGUAGES, get_language
from invoice_gen.scan import rasterize_pdf
from invoice_gen.variants import Variant

# Most invoices have one page; some run over two or three.
PAGE_WEIGHTS = {1: 6, 2: 3, 3: 1}


@dataclass(frozen=True)
class CorpusEntry:
    """One invoice written to the corpus."""

    invoice_id: str
    language: str
    scanned: bool
    pages: int
    pdf_path: Path
    truth_path: Path


def truth_document(generated: GeneratedInvoice, *, scanned: bool) -> dict[str, Any]:
    """The truth file's content: the AggregatedInvoice plus what the document is like."""
    document: dict[str, Any] = json.loads(generated.truth.model_dump_json())
    document["language"] = generated.language
    document["scanned"] = scanned
    document["variant"] = generated.variant.names() if generated.variant else None
    return document


def _scanned_indexes(seed: int, count: int, share: float) -> set[int]:
    chosen = round(count * share)
    return set(random.Random(f"invoice-gen/corpus/{seed}/scanned").sample(range(count), chosen))


def write_corpus(
    out_dir: Path,
    *,
    count: int,
    seed: int,
    languages: Sequence[str] = tuple(LANGUAGES),
    image_only_share: float = 0.0,
    dpi: int = 200,
    max_pages: int = 3,
) -> list[CorpusEntry]:
    """Write `count` invoices, languages taken in turn, a share of them image-only."""
    if count < 1:
        raise ValueError("count must be at least 1")
    if not 0.0 <= image_only_share <= 1.0:
        raise ValueError("image_only_share must be between 0 and 1")
    if not languages:
        raise ValueError("name at least one language")
    for code in languages:
        get_language(code)
    pages_choices = [pages for pages in PAGE_WEIGHTS if pages <= max_pages]
    if not pages_choices:
        raise ValueError("max_pages must be at least 1")
    weights = [PAGE_WEIGHTS[pages] for pages in pages_choices]
    scanned_indexes = _scanned_indexes(seed, count, image_only_share)
    out_dir.mkdir(parents=True, exist_ok=True)
    entries = []
    for index in range(count):
        rng = random.Random(f"invoice-gen/corpus/{seed}/{index}")
        language = languages[index % len(languages)]
        pages = rng.choices(pages_choices, weights)[0]
        invoice_id = f"c{seed}-{index:04d}-{language}"
        generated = generate_invoice(
            rng.randrange(1 << 31), pages, invoice_id=invoice_id, variant=Variant(language)
        )
        scanned = index in scanned_indexes
        pdf = (
            rasterize_pdf(generated.pdf, dpi=dpi, realism=True, seed=rng.randrange(1 << 31))
            if scanned
            else generated.pdf
        )
        pdf_path = out_dir / f"{invoice_id}.pdf"
        truth_path = out_dir / f"{invoice_id}.json"
        pdf_path.write_bytes(pdf)
        document = truth_document(generated, scanned=scanned)
        truth_path.write_text(
            json.dumps(document, indent=2, ensure_ascii=False) + "\n", encoding="utf-8"
        )
        entries.append(CorpusEntry(invoice_id, language, scanned, pages, pdf_path, truth_path))
    return entries
