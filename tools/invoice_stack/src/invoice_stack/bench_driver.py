"""Kept for benchmarks/src/invoice_bench/impl_dapr.py, which runs
`python -m invoice_stack.bench_driver JOB_DIR SOURCE_DIR`: the driver lives in
`invoice_stack.bench`."""

import sys

from invoice_stack.bench.driver import main

if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
