"""The `tariffc` command line.

    tariffc check PATH... [--strict] [--format text|json|github]
    tariffc explain CODE
    tariffc build [--specs DIR] [--out DIR] [--docs DIR] [--check]
    tariffc run SCENARIO.json [--explain] [--format json|table]
    tariffc fmt [--check] [--diff] PATH...
    tariffc diff OLD NEW | REV1..REV2 | --git REV1 REV2 [--format markdown|json]
    tariffc watch [PATH] [--out DIR] [--docs DIR] [--no-build] [--once]
    tariffc lsp

Exit codes: 0 all good, 1 errors (or warnings with `--strict`; for `run`: an expectation
failed or an event raised an error it did not expect), 2 usage error, a path that does not
exist or (for `run`) a malformed scenario.

Start-up stays fast: each subcommand imports what it needs inside its function, so
`tariffc check` never loads the code or docs generators (jinja2).
"""

from __future__ import annotations

import argparse
import os
import re
import sys
from pathlib import Path

EXIT_OK = 0
EXIT_FAILED = 1
EXIT_USAGE = 2

REPO_ROOT = Path(__file__).resolve().parent.parent
ERROR_PAGES = REPO_ROOT / "docs" / "errors"


def _plural(n: int, word: str) -> str:
    return f"{n} {word}" if n == 1 else f"{n} {word}s"


def _use_color(stream) -> bool:
    """Colour only on a terminal, and never when NO_COLOR is set (https://no-color.org)."""
    return bool(getattr(stream, "isatty", lambda: False)()) and not os.environ.get("NO_COLOR")


def _usage_error(message: str) -> int:
    print(f"tariffc: error: {message}", file=sys.stderr)
    return EXIT_USAGE


# --- check -------------------------------------------------------------------------------

def _count_operators(paths: list[str], sources: dict[str, str]) -> int:
    """Operators checked: one per file argument, one per folder of `.tariff` files under a folder."""
    files = [Path(s).resolve() for s in sources]
    n = 0
    for raw in paths:
        p = Path(raw).resolve()
        if p.is_file():
            n += 1
        else:
            n += len({f.parent for f in files if f.is_relative_to(p)})
    return n


def _print_diagnostics(diags: list, sources, fmt: str) -> None:
    """Diagnostics as text (to stderr), or as JSON or GitHub annotations (to stdout, so they
    can be piped or redirected; JSON prints `[]` when there are none)."""
    from dsl.diagnostics import render_all

    if diags:
        if fmt == "text":
            print(render_all(diags, sources, "text", _use_color(sys.stderr)) + "\n",
                  file=sys.stderr)
        else:
            print(render_all(diags, sources, fmt))
    elif fmt == "json":
        print("[]")


def cmd_check(args: argparse.Namespace) -> int:
    for raw in args.paths:
        p = Path(raw)
        if not p.exists():
            return _usage_error(f"no such file or folder: {raw}")
        if p.is_dir() and not any(p.rglob("*.tariff")):
            return _usage_error(f"no .tariff files in {raw}")

    from compiler.check import check_paths

    result = check_paths(list(args.paths))
    diags = list(result.diagnostics)
    errors = sum(1 for d in diags if d.is_error)
    warnings = len(diags) - errors

    _print_diagnostics(diags, result.sources, args.format)

    operators = max(_count_operators(args.paths, result.sources), len(result.tariffs))
    print(f"{', '.join(args.paths)}: {_plural(operators, 'operator')} checked, "
          f"{_plural(errors, 'error')}, {_plural(warnings, 'warning')}", file=sys.stderr)
    if errors or (args.strict and warnings):
        return EXIT_FAILED
    return EXIT_OK


# --- explain -----------------------------------------------------------------------------

_CODE = re.compile(r"T\d{4}")


def cmd_explain(args: argparse.Namespace) -> int:
    from dsl.diagnostics import suggest

    code = args.code.strip().upper()
    known = sorted(p.stem for p in ERROR_PAGES.glob("T*.md")) if ERROR_PAGES.is_dir() else []
    if not known:
        return _usage_error(f"no error pages found in {ERROR_PAGES}")
    if _CODE.fullmatch(code) and code in known:
        sys.stdout.write((ERROR_PAGES / f"{code}.md").read_text(encoding="utf-8"))
        return EXIT_OK
    close = suggest(code, known)
    hint = (" (did you mean " + " or ".join(f"`{c}`" for c in close) + "?)") if close else ""
    return _usage_error(f"no explanation for `{args.code}`{hint}; codes run from "
                        f"{known[0]} to {known[-1]}")


# --- build -------------------------------------------------------------------------------

def cmd_build(args: argparse.Namespace) -> int:
    import json

    from compiler import build
    from dsl.diagnostics import render_all

    if not Path(args.specs).is_dir():
        return _usage_error(f"no such folder: {args.specs}")
    result = build.generate(args.specs, args.docs)
    stale: list = []
    if args.format == "json":
        code = _build(args, build, result, stale)
        diags = json.loads(render_all(list(result.diagnostics), result.sources, "json")) \
            if result.diagnostics else []
        # One document on stdout: what is wrong with the specs, and what is out of date.
        print(json.dumps({"diagnostics": diags, "stale": [str(p) for p in stale]},
                         ensure_ascii=False, indent=2))
        return code
    _print_diagnostics(list(result.diagnostics), result.sources, args.format)
    return _build(args, build, result, stale)


def _build(args: argparse.Namespace, build, result, stale: list) -> int:
    """Write the outputs (or, with --check, list the stale ones in `stale`): the exit code."""
    if not result.ok:
        print(f"tariffc build: {args.specs} has errors; {args.out} left as it was", file=sys.stderr)
        return EXIT_FAILED
    out, docs = Path(args.out), Path(args.docs)
    total = len(result.files) + len(result.docs) + len(result.pages)
    if args.check:
        stale += build.stale_outputs(result, out, docs)
        for path in stale:
            if args.format == "github":
                print(f"::error file={path}::out of date; run `tariffc build`")
            elif args.format == "text":
                print(f"stale: {path}")
        if stale:
            print(f"tariffc build --check: {_plural(len(stale), 'file')} out of date; "
                  "run `tariffc build`", file=sys.stderr)
            return EXIT_FAILED
        print(f"tariffc build --check: {args.out} and {docs / build.OPERATOR_DOCS} are up to date "
              f"({_plural(total, 'file')})", file=sys.stderr)
        return EXIT_OK
    build.write_outputs(result, out, docs)
    print(f"tariffc build: wrote {_plural(len(result.files), 'file')} to {args.out}, "
          f"{_plural(len(result.docs) + len(result.pages), 'page')} to {args.docs}", file=sys.stderr)
    return EXIT_OK


# --- run ---------------------------------------------------------------------------------

def cmd_run(args: argparse.Namespace) -> int:
    import json

    from runtime import scenario

    path = Path(args.scenario)
    if not path.is_file():
        return _usage_error(f"no such file: {args.scenario}")
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except UnicodeDecodeError as e:
        return _usage_error(f"{args.scenario}: not UTF-8 text ({e.reason} at byte {e.start})")
    except json.JSONDecodeError as e:
        return _usage_error(f"{args.scenario}:{e.lineno}:{e.colno}: not valid JSON: {e.msg}")
    try:
        results = scenario.run(scenario.load(data), explain=args.explain)
    except scenario.ScenarioError as e:
        for where, message in e.problems:
            print(f"tariffc run: {args.scenario}: {where}: {message}", file=sys.stderr)
        print(f"tariffc run: {args.scenario}: {_plural(len(e.problems), 'problem')}; "
              f"see docs/scenario.md", file=sys.stderr)
        return EXIT_USAGE
    if args.format == "table":
        print(scenario.results_table(results, args.explain))
    else:
        print(scenario.results_json(results))
    n = scenario.summary(results)
    print(f"{args.scenario}: {_plural(n['events'], 'event')}, {n['passed']} passed, "
          f"{n['failed']} failed, {_plural(n['unexpected_errors'], 'unexpected error')}",
          file=sys.stderr)
    return EXIT_FAILED if n["failed"] or n["unexpected_errors"] else EXIT_OK


# --- fmt, diff, watch (compiler/fmt.py, diff.py, watch.py) ------------------------------

def cmd_fmt(args: argparse.Namespace) -> int:
    from compiler import fmt

    return fmt.run(args)


def cmd_diff(args: argparse.Namespace) -> int:
    from compiler import diff

    return diff.run(args)


def cmd_watch(args: argparse.Namespace) -> int:
    from compiler import watch

    return watch.run(args)


def cmd_adequacy(args: argparse.Namespace) -> int:
    from compiler import adequacy

    return adequacy.main(args.operators, args.specs)


def cmd_lsp(args: argparse.Namespace) -> int:
    try:
        from compiler.lsp import server
    except ImportError as e:  # pygls is the `lsp` extra
        return _usage_error(f"the language server needs pygls ({e.name} is not installed): "
                            "pip install 'tariffc[lsp]'")
    return server.main()


# --- the parser --------------------------------------------------------------------------

def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="tariffc",
        description="Compile mobile-operator tariff specs into a runtime, docs and test vectors.")
    sub = parser.add_subparsers(dest="command", metavar="COMMAND", required=True)

    p = sub.add_parser("check", help="parse and check specs; report every mistake",
                       description="Parse and check spec folders (specs/, specs/telenor_rs/) "
                                   "or single .tariff files.")
    p.add_argument("paths", nargs="+", metavar="PATH", help="a spec folder or .tariff file")
    p.add_argument("--strict", action="store_true", help="fail on warnings too")
    p.add_argument("--format", choices=("text", "json", "github"), default="text",
                   help="text (to stderr, default), json or github annotations (to stdout)")
    p.set_defaults(func=cmd_check)

    p = sub.add_parser("explain", help="print the page of an error code, e.g. T0104")
    p.add_argument("code", metavar="CODE", help="an error code such as T0104 (any case)")
    p.set_defaults(func=cmd_explain)

    p = sub.add_parser("build", help="compile specs into generated/<operator>/ and docs/operators/",
                       description="Check every operator of the specs folder and write its compiled "
                                   "runtime module to the output folder, atomically. Exit codes: 0 "
                                   "written (or up to date with --check), 1 spec errors or stale "
                                   "files, 2 usage error.")
    p.add_argument("--specs", default="specs", help="the specs folder (default: specs)")
    p.add_argument("--out", default="generated", help="the output folder (default: generated)")
    p.add_argument("--docs", default="docs",
                   help="the site folder: operator pages go to DOCS/operators, the runtime API "
                        "to DOCS/runtime/api.md (default: docs)")
    p.add_argument("--check", action="store_true",
                   help="write nothing; exit 1 and list the files that are out of date")
    p.add_argument("--format", choices=("text", "json", "github"), default="text",
                   help="diagnostics (and, with --check, stale files) as text (default), JSON "
                        "or GitHub annotations (to stdout)")
    p.set_defaults(func=cmd_build)

    p = sub.add_parser("run", help="run a scenario (JSON) against a compiled operator",
                       description="Play a scenario's events through generated/<operator> and "
                                   "print one result per event (docs/scenario.md). Exit codes: 0 "
                                   "all expectations passed, 1 an expectation failed or an event "
                                   "raised an error it did not expect, 2 usage error or a "
                                   "malformed scenario.")
    p.add_argument("scenario", metavar="SCENARIO.json", help="the scenario file")
    p.add_argument("--explain", action="store_true", help="add the arithmetic of every charge")
    p.add_argument("--format", choices=("json", "table"), default="json",
                   help="json (default) or a table for people")
    p.set_defaults(func=cmd_run)

    p = sub.add_parser("fmt", help="rewrite .tariff files in the canonical layout",
                       description="Rewrite .tariff files (or every one under a folder) in the "
                                   "canonical layout: 2-space indents, aligned table columns, "
                                   "every comment kept (docs/cli-tools.md). A file with syntax "
                                   "errors is left as it was. Exit codes: 0 every file is (now) "
                                   "canonical, 1 a file has syntax errors or, with --check, "
                                   "would change, 2 usage error.")
    p.add_argument("paths", nargs="+", metavar="PATH", help="a spec folder or .tariff file")
    p.add_argument("--check", action="store_true",
                   help="write nothing; list the files that would change and exit 1 if any")
    p.add_argument("--diff", action="store_true", help="print what would change as a unified diff")
    p.set_defaults(func=cmd_fmt)

    p = sub.add_parser("diff", help="changelog between two versions of the specs",
                       description="Compare the checked models of two spec folders, or of the "
                                   "specs folder at two git revisions (REV1..REV2 or --git REV1 "
                                   "REV2), and print a customer-facing changelog: prices, "
                                   "validities, codes, SMS keywords, passes, zones, rules, bill "
                                   "fields. Exit codes: 0 printed (changes or none), 1 one side "
                                   "has spec errors, 2 usage error.")
    p.add_argument("sides", nargs="+", metavar="OLD NEW",
                   help="two spec folders; or REV1..REV2; or two revisions with --git")
    p.add_argument("--git", action="store_true",
                   help="OLD and NEW are git revisions; read --specs at each")
    p.add_argument("--specs", default="specs",
                   help="with git revisions: the specs folder to read (default: specs)")
    p.add_argument("--format", choices=("markdown", "json"), default="markdown",
                   help="markdown (default) or json, to stdout")
    p.set_defaults(func=cmd_diff)

    p = sub.add_parser("watch", help="re-check and rebuild on every save",
                       description="Poll the .tariff files under PATH every half second; on "
                                   "every save re-check them, print the diagnostics and, when "
                                   "PATH is a specs folder without errors, rebuild the output "
                                   "as `tariffc build` does. Ctrl-C stops. Exit codes: 0 "
                                   "stopped (or, with --once, clean), 1 with --once: spec "
                                   "errors, 2 usage error.")
    p.add_argument("path", nargs="?", default="specs", metavar="PATH",
                   help="a specs folder, operator folder or .tariff file (default: specs)")
    p.add_argument("--out", default="generated", help="the output folder (default: generated)")
    p.add_argument("--docs", default="docs", help="the docs folder (default: docs)")
    p.add_argument("--no-build", action="store_true", help="only check; never write")
    p.add_argument("--interval", type=float, default=0.5, help=argparse.SUPPRESS)
    p.add_argument("--once", action="store_true", help="run one check (and build) and exit")
    p.set_defaults(func=cmd_watch)

    p = sub.add_parser("adequacy", help="mutate the model; report which changes no vector notices",
                       description="Change the checked model one element at a time (each "
                                   "price, interval, threshold, percentage, validity, quota, "
                                   "code, keyword, eligibility, rule choice), run the committed "
                                   "vectors of generated/<operator>/vectors/ against each "
                                   "mutant and print `killed K of N mutants` with the "
                                   "survivors. Exit codes: 0 all killed, 1 survivors, 2 spec "
                                   "errors or an unknown operator.")
    p.add_argument("operators", nargs="*", metavar="OPERATOR", help="operator ids (default: all)")
    p.add_argument("--specs", default="specs", help="the specs folder (default: specs)")
    p.set_defaults(func=cmd_adequacy)

    p = sub.add_parser("lsp", help="the language server for editors (stdio)",
                       description="Speak the Language Server Protocol on stdin/stdout: the "
                                   "checker's diagnostics as you type, hover, completion, go to "
                                   "definition, document symbols and formatting "
                                   "(docs/editor.md).")
    p.set_defaults(func=cmd_lsp)
    return parser


def main(argv: list[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    return args.func(args)


if __name__ == "__main__":
    sys.exit(main())
