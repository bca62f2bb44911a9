"""The `papers` command: import, fetch, backfill, refresh, retag, index.

Exit status: 0 when everything went in, 1 when some entries or days were skipped,
2 for a usage or configuration error (bad settings, another import running, a content
folder that cannot be written) or a search index Pagefind could not make.
"""

from __future__ import annotations

import argparse
import sys
from datetime import date, datetime, timezone
from pathlib import Path

from . import settings as settings_module
from .ingest import fetch
from .ingest.importer import import_files
from .ingest.retag import retag_all
from .ingest.inputs import InputError
from .ingest.rawstore import RawStore
from .ingest.tagging import Taxonomy, TaxonomyError
from .site import search
from .store import StoreBusy

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

    fetch_cmd = commands.add_parser("fetch", help="fetch a day from the API and import it")
    fetch_cmd.add_argument("--date", type=_iso_date, help="default: the last complete day (and earlier incomplete ones)")
    backfill = commands.add_parser("backfill", help="fetch and import a range of days")
    backfill.add_argument("--from", dest="first", type=_iso_date, required=True)
    backfill.add_argument("--to", dest="last", type=_iso_date, required=True)
    refresh = commands.add_parser("refresh", help="re-fetch the last complete days (upvotes, comments)")
    refresh.add_argument("--days", type=int, default=7)

    retag = commands.add_parser("retag", help="re-apply the taxonomy to every post")
    retag.add_argument("--dry-run", action="store_true", help="show what would change, write nothing")

    index = commands.add_parser("index", help="index the built site for search (the bundles whose pages changed)")
    index.add_argument("--site", type=Path, default=Path("output"), help="the built site (default: %(default)s)")
    index.add_argument("--settings", type=Path, default=Path("pagefind.yml"), help="Pagefind's settings (default: %(default)s)")
    index.add_argument("--all", action="store_true", help="index every bundle again")
    index.add_argument("--cache", type=Path, default=Path("cache"),
                       help="the build cache, where the pages' search records are kept between runs (default: %(default)s)")
    index.add_argument("--bundle-papers", type=int, default=search.BUNDLE_PAPERS, metavar="N",
                       help="papers a bundle holds at most: Pagefind's memory grows with it (default: %(default)s)")
    return parser


def _print_errors(errors: list[str]) -> None:
    for line in errors:
        print(line, file=sys.stderr)


def cmd_import(args, settings, taxonomy) -> int:
    scraped_on = args.scraped_on or datetime.now(timezone.utc).date()
    summary = import_files(
        args.files, Path(settings["CONTENT_DIR"]), taxonomy, scraped_on, dry_run=args.dry_run
    )
    _print_errors(summary.notices + summary.errors)
    if args.dry_run:
        for path in summary.changed_paths:
            print(f"would write {path}")
    print(summary.format(dry_run=args.dry_run))
    return EXIT_SKIPPED if summary.errors else EXIT_OK


def cmd_fetch(args, settings, taxonomy) -> int:
    raw_store = RawStore(Path(settings["RAW_DIR"]))
    settle = settings["HF_API_SETTLE_HOURS"]
    now = datetime.now(timezone.utc)
    try:
        if args.command == "fetch":
            days = fetch.days_for_fetch(args.date, now, raw_store, settle)
        elif args.command == "backfill":
            days = fetch.days_in_range(args.first, args.last)
        else:
            days = fetch.days_for_refresh(args.days, now, settle)
    except ValueError as error:
        print(f"error: {error}", file=sys.stderr)
        return EXIT_USAGE
    client = fetch.ApiClient.from_settings(settings)
    # Fetch everything first, then import once: the post index is read a single time.
    fetched = fetch.fetch_days(days, client, raw_store, settle_hours=settle)
    raw_paths = [raw_store.path_for(d) for d in days if raw_store.path_for(d).is_file()]
    summary = import_files(raw_paths, Path(settings["CONTENT_DIR"]), taxonomy, now.date())
    fetched.papers_new, fetched.papers_updated = summary.new, summary.updated
    _print_errors(summary.notices + summary.errors)
    print(fetched.format())
    return EXIT_SKIPPED if fetched.failures or summary.errors else EXIT_OK


def cmd_retag(args, settings, taxonomy) -> int:
    summary = retag_all(
        Path(settings["CONTENT_DIR"]), taxonomy, dry_run=args.dry_run, processes=settings["BUILD_PROCESSES"]
    )
    _print_errors(summary.errors)
    for path in summary.changed_paths if args.dry_run else ():
        print(f"would retag {path}")
    print(summary.format(dry_run=args.dry_run))
    return EXIT_SKIPPED if summary.errors else EXIT_OK


def cmd_index(args, settings, taxonomy) -> int:
    if not args.site.is_dir():
        print(f"error: {args.site}: no built site here (run `make html` first)", file=sys.stderr)
        return EXIT_USAGE
    try:
        summary = search.index_site(args.site, args.settings, force=args.all, limit=args.bundle_papers,
                                         cache=args.cache)
    except search.SearchIndexError as error:
        print(f"error: {error}", file=sys.stderr)
        return EXIT_USAGE
    print(summary.format())
    return EXIT_OK


COMMANDS = {
    "import": cmd_import,
    "fetch": cmd_fetch,
    "backfill": cmd_fetch,
    "refresh": cmd_fetch,
    "retag": cmd_retag,
    "index": cmd_index,
}


def main(argv: list[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    try:
        settings = settings_module.load(args.config)
    except settings_module.SettingsError as error:
        print(f"error: {error}", file=sys.stderr)
        return EXIT_USAGE
    except Exception as error:  # noqa: BLE001 - the settings file is Python: anything can fail in it
        where = f"{args.config}, DAILYPAPERS_*"
        print(f"error: cannot load the settings ({where}): {type(error).__name__}: {error}", file=sys.stderr)
        return EXIT_USAGE
    try:
        model = settings["TAG_MODEL_FILE"]
        taxonomy = Taxonomy.load(Path(settings["TAXONOMY_FILE"]), settings["MAX_TAGS"], Path(model) if model else None)
        return COMMANDS[args.command](args, settings, taxonomy)
    except (TaxonomyError, InputError, StoreBusy) as error:
        print(f"error: {error}", file=sys.stderr)
        return EXIT_USAGE
    except OSError as error:  # the content folder cannot be written: a full disk, a file in its way
        where = f"{error.filename}: " if error.filename else ""
        print(f"error: {where}{error.strerror or error}", file=sys.stderr)
        return EXIT_USAGE
    except KeyboardInterrupt:  # writes are atomic: what was written is whole
        print("interrupted", file=sys.stderr)
        return 130
