"""The local stack's tools, one job per sub-package:

- `topology/`: the one description of the stack (app ids, ports, sidecar flags, limits,
  the names of its secrets) and the processes it makes; pure. `render` writes the files
  generated from it (`make generate`).
- `supervisor/`: starts, keeps and stops a stack (`python -m invoice_stack`, the e2e
  fixture); `layout` and `tokens` are where a stack's files and secrets live.
- `load/`: the soak (`make soak`); `bench/`: the Dapr peer of `make bench`; both call the
  API through `api_calls`.
- `collections/`: reads `http/workflow.http` and the Bruno collection, writes the latter.
"""
