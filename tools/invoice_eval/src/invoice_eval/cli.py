"""`python -m invoice_eval CORPUS` (`make eval-extraction CORPUS=dir`): per-field accuracy
of the extraction on every `<name>.pdf` with a `<name>.json` ground truth beside it.

Exit status 1 when `--min-accuracy` is given and the overall field accuracy is below it.
"""

from __future__ import annotations

import argparse
import json
import sys
import time
from pathlib import Path

from invoice_eval.pipeline import extract_invoice
from invoice_eval.scoring import SCORED_FIELDS, Scores
from invoice_shared.web import ServiceError


def evaluate(corpus: Path) -> tuple[Scores, float]:
    """Scores over the corpus, and the seconds the extraction took."""
    scores = Scores()
    took = 0.0
    for pdf in sorted(corpus.glob("*.pdf")):
        truth_file = pdf.with_suffix(".json")
        if not truth_file.is_file():
            continue
        truth = json.loads(truth_file.read_text())
        started = time.perf_counter()
        try:
            invoice = extract_invoice(pdf.read_bytes())
        except ServiceError as refused:
            scores.add_failure(pdf.name, refused.message)
            for name in SCORED_FIELDS:
                if name in truth:
                    scores.scored[name] += 1
            continue
        finally:
            took += time.perf_counter() - started
        scores.add(pdf.name, truth, invoice.model_dump(mode="json"))
    return scores, took


def report(scores: Scores, took: float, show_misses: int) -> str:
    lines = [f"{scores.documents} invoices, {took:.1f} s of extraction", ""]
    lines.append(f"{'field':<16}{'right':>7}{'of':>6}{'accuracy':>10}")
    for name in (*SCORED_FIELDS, "line_items"):
        if scores.scored[name]:
            lines.append(
                f"{name:<16}{scores.right[name]:>7}{scores.scored[name]:>6}"
                f"{scores.accuracy(name):>10.1%}"
            )
    lines.append(f"{'all fields':<16}{'':>13}{scores.accuracy():>10.1%}")
    for document, why in scores.failed:
        lines.append(f"REFUSED {document}: {why}")
    if scores.misses and show_misses:
        lines += ["", "misses (expected -> got):"]
        lines += [
            f"  {m.document}  {m.field}: {m.expected!r} -> {m.got!r}"
            for m in scores.misses[:show_misses]
        ]
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(prog="python -m invoice_eval", description=__doc__)
    parser.add_argument("corpus", type=Path, help="folder of <name>.pdf + <name>.json")
    parser.add_argument("--misses", type=int, default=50, help="how many misses to list")
    parser.add_argument("--min-accuracy", type=float, default=None)
    parser.add_argument("--json", type=Path, default=None, help="also write the scores here")
    args = parser.parse_args(argv)
    if not args.corpus.is_dir():
        parser.error(f"{args.corpus} is not a folder")
    scores, took = evaluate(args.corpus)
    if not scores.documents:
        parser.error(f"{args.corpus} holds no <name>.pdf with a <name>.json beside it")
    print(report(scores, took, args.misses))
    if args.json:
        fields = {n: scores.accuracy(n) for n in (*SCORED_FIELDS, "line_items") if scores.scored[n]}
        summary = {"documents": scores.documents, "accuracy": scores.accuracy(), "fields": fields}
        args.json.write_text(json.dumps(summary, indent=2))
    if args.min_accuracy is not None and scores.accuracy() < args.min_accuracy:
        print(f"overall accuracy {scores.accuracy():.1%} is below {args.min_accuracy:.1%}")
        sys.exit(1)
