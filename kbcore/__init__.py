"""The core both `kbtools` and `intake` stand on; it imports neither.

- `problems`: `Problem` (one finding at `path:line`), `KbError` and its family, did-you-mean;
- `yamlines`: the one YAML loader that keeps the line of every key and list item.
"""
