"""Command line: write generated invoices and their truth to a folder.

    python -m invoice_gen --out data --seed 7 --pages 3 --name sample-invoice

writes data/sample-invoice.pdf and data/sample-invoice.json (the truth, as the
AggregatedInvoice the pipeline should return). With --count C, seeds N..N+C-1 are
written as NAME-<seed>.pdf/.json.

    python -m invoice_gen corpus OUT_DIR --count 60 --seed 1 [--languages de,fr]
        [--image-only-share 0.2] [--dpi 200] [--max-pages 3]

writes a corpus of localised invoices (see invoice_gen.corpus).
"""

from __future__ import annotations

import argparse
import re
import sys
from pathlib import Path

from invoice_gen.corpus import write_corpus
from invoice_gen.generator import MAX_PAGES, generate_invoice
from invoice_gen.languages import LANGUAGES
from invoice_shared.models import INVOICE_ID_PATTERN


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="python -m invoice_gen",
        description="Generate synthetic invoice PDFs with ground-truth JSON. "
        "'python -m invoice_gen corpus --help' describes the localised corpus.",
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


def _corpus_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="python -m invoice_gen corpus",
        description="Write localised invoices (<id>.pdf) and their truth (<id>.json).",
    )
    parser.add_argument("out", type=Path, help="folder to write into")
    parser.add_argument("--count", type=int, required=True, help="how many invoices")
    parser.add_argument("--seed", type=int, required=True, help="corpus seed")
    parser.add_argument(
        "--languages",
        default=",".join(LANGUAGES),
        help=f"comma-separated, taken in turn (default {','.join(LANGUAGES)})",
    )
    parser.add_argument(
        "--image-only-share",
        type=float,
        default=0.0,
        help="share of invoices written as scans without a text layer (default 0)",
    )
    parser.add_argument("--dpi", type=int, default=200, help="scan resolution (default 200)")
    parser.add_argument("--max-pages", type=int, default=3, help="pages at most (1-3)")
    return parser


def corpus_main(argv: list[str]) -> int:
    """The `corpus` subcommand; returns the process exit code."""
    parser = _corpus_parser()
    args = parser.parse_args(argv)
    languages = [code.strip() for code in args.languages.split(",") if code.strip()]
    unknown = [code for code in languages if code not in LANGUAGES]
    if unknown or not languages:
        parser.error(f"--languages: choose from {','.join(LANGUAGES)}")
    try:
        entries = write_corpus(
            args.out,
            count=args.count,
            seed=args.seed,
            languages=languages,
            image_only_share=args.image_only_share,
            dpi=args.dpi,
            max_pages=args.max_pages,
        )
    except ValueError as error:
        parser.error(str(error))
    scanned = sum(entry.scanned for entry in entries)
    print(f"{args.out}: {len(entries)} invoices ({scanned} image-only)")
    return 0


def main(argv: list[str] | None = None) -> int:
    """Generate the requested invoices; returns the process exit code."""
    argv = sys.argv[1:] if argv is None else argv
    if argv[:1] == ["corpus"]:
        return corpus_main(argv[1:])
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
