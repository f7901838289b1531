"""`python -m benchmarks NAME [options]`: run one benchmark."""

from __future__ import annotations

import sys

BENCHMARKS = {
    "parse": "benchmarks.parse",
    "rating": "benchmarks.rating",
    "vectors": "benchmarks.vectors",
    "cdr": "benchmarks.cdr",
}


def main(argv: list[str]) -> int:
    if not argv or argv[0] in ("-h", "--help") or argv[0] not in BENCHMARKS:
        print("usage: python -m benchmarks {" + ",".join(BENCHMARKS) + "} [options]",
              file=sys.stderr)
        return 0 if argv and argv[0] in ("-h", "--help") else 2
    import importlib
    return importlib.import_module(BENCHMARKS[argv[0]]).main(argv[1:])


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
