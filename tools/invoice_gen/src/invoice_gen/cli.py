"""Command line: write generated invoices and their truth to a folder.

    python -m invoice_gen --out data --seed 7 --pages 3 --name sample-invoice

writes data/sample-invoice.pdf and data/sample-invoice.json (the truth, as the
AggregatedInvoice the pipeline should return). With --count C, seeds N..N+C-1 are
written as NAME-<seed>.pdf/.json.
"""

from __future__ import annotations

import argparse
import re
from pathlib import Path

from invoice_gen.generator import MAX_PAGES, generate_invoice
from invoice_shared.models import INVOICE_ID_PATTERN


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="python -m invoice_gen",
        description="Generate synthetic invoice PDFs with ground-truth JSON.",
    )
    parser.add_argument("--out", type=Path, required=True, help="folder to write into")
    parser.add_argument("--seed", type=int, required=True, help="first seed")
    parser.add_argument(
        "--pages", type=int, required=True, help=f"pages per invoice (1-{MAX_PAGES})"
    )
    parser.add_argument("--count", type=int, default=1, help="how many invoices (default 1)")
    parser.add_argument("--name", help="file name stem (default invoice-<seed>-<pages>p)")
    parser.add_argument(
        "--invoice-id", help="invoice id in the truth (default: the file name stem)"
    )
    parser.add_argument(
        "--inconsistent",
        action="store_true",
        help="print a total that differs from subtotal + tax",
    )
    return parser


def _stem(name: str | None, seed: int, pages: int, count: int) -> str:
    if name is None:
        return f"invoice-{seed}-{pages}p"
    return f"{name}-{seed}" if count > 1 else name


def main(argv: list[str] | None = None) -> int:
    """Generate the requested invoices; returns the process exit code."""
    parser = _parser()
    args = parser.parse_args(argv)
    if not 1 <= args.pages <= MAX_PAGES:
        parser.error(f"--pages must be between 1 and {MAX_PAGES}")
    if args.count < 1:
        parser.error("--count must be at least 1")
    if args.invoice_id and args.count > 1:
        parser.error("--invoice-id applies to a single invoice; drop it or use --count 1")
    args.out.mkdir(parents=True, exist_ok=True)
    for seed in range(args.seed, args.seed + args.count):
        stem = _stem(args.name, seed, args.pages, args.count)
        # The stem doubles as the invoice id when it is a valid one.
        invoice_id = args.invoice_id or (stem if re.fullmatch(INVOICE_ID_PATTERN, stem) else None)
        generated = generate_invoice(
            seed, args.pages, invoice_id=invoice_id, inconsistent=args.inconsistent
        )
        pdf_path = args.out / f"{stem}.pdf"
        pdf_path.write_bytes(generated.pdf)
        (args.out / f"{stem}.json").write_text(
            generated.truth.model_dump_json(indent=2) + "\n", encoding="utf-8"
        )
        print(f"{pdf_path}: {args.pages} page(s), {len(generated.pdf)} bytes, {generated.summary}")
    return 0
