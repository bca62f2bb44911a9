"""The `papers` command: import, fetch, backfill, refresh, retag.

Exit status: 0 when everything went in, 1 when some entries or days were skipped,
2 for a usage or configuration error.
"""

from __future__ import annotations

import argparse
import sys
from datetime import date, datetime, timezone
from pathlib import Path

from . import settings as settings_module
from .importer import import_files
from .storage import InputError
from .tagging import Taxonomy, TaxonomyError

EXIT_OK, EXIT_SKIPPED, EXIT_USAGE = 0, 1, 2


def _iso_date(text: str) -> date:
    try:
        return date.fromisoformat(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"not a date in YYYY-MM-DD form: {text!r}") from None


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="papers", description=__doc__.split("\n")[0])
    parser.add_argument("--config", default="pelicanconf.py", help="settings file (default: %(default)s)")
    commands = parser.add_subparsers(dest="command", required=True)

    imp = commands.add_parser("import", help="text copies or API JSON -> posts")
    imp.add_argument("files", nargs="+", type=Path)
    imp.add_argument(
        "--scraped-on",
        type=_iso_date,
        help="the day the input was captured: gives dates without a year their year (default: today, UTC)",
    )
    imp.add_argument("--dry-run", action="store_true", help="show what would change, write nothing")
    return parser


def _print_errors(errors: list[str]) -> None:
    for line in errors:
        print(line, file=sys.stderr)


def cmd_import(args, settings, taxonomy) -> int:
    scraped_on = args.scraped_on or datetime.now(timezone.utc).date()
    summary = import_files(
        args.files, Path(settings["CONTENT_DIR"]), taxonomy, scraped_on, dry_run=args.dry_run
    )
    _print_errors(summary.errors)
    if args.dry_run:
        for path in summary.changed_paths:
            print(f"would write {path}")
    print(summary.format(dry_run=args.dry_run))
    return EXIT_SKIPPED if summary.errors else EXIT_OK


COMMANDS = {"import": cmd_import}


def main(argv: list[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    try:
        settings = settings_module.load(args.config)
        taxonomy = Taxonomy.load(Path(settings["TAXONOMY_FILE"]), settings["MAX_TAGS"])
        return COMMANDS[args.command](args, settings, taxonomy)
    except (TaxonomyError, InputError) as error:
        print(f"error: {error}", file=sys.stderr)
        return EXIT_USAGE
