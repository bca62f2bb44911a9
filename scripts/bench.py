#!/usr/bin/env python3
"""Benchmark of the site build: synthetic papers (and optionally the real archive) built
by separate `pelican` processes, each timed with its own peak memory.

    python scripts/bench.py [--n 40000] [--real hf-daily-papers.tar.xz] [--stock] [--search] [--keep]

Progress goes to stderr; the last line of stdout is one JSON object of the results.
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import signal
import subprocess
import sys
import tarfile
import tempfile
import threading
import time
from dataclasses import dataclass
from datetime import date, timedelta
from pathlib import Path

PROJECT = Path(__file__).resolve().parent.parent
# Run from a checkout without installing the package.
sys.path.insert(0, str(PROJECT))

from dailypapers.ingest import synthetic
from dailypapers.site.plugin import TIMINGS_FILE
from dailypapers.store import POSTS_SUBDIR

# Fixed, so every run builds the same days.
NEWEST_DAY = date(2026, 6, 30)
SITE_FILES = ("pelicanconf.py", "tags.yaml", "pagefind.yml")
VENV_BIN = Path(sys.executable).parent
PELICAN = str(VENV_BIN / "pelican")
MEMORY_SAMPLE_SECONDS = 0.1

# Stock Pelican over the same posts (make bench STOCK=1).
STOCK_SETTINGS = PROJECT / "scripts" / "stock_pelicanconf.py"


class BenchError(Exception):
    """A step failed: the message says which and where its log is."""


@dataclass
class Run:
    seconds: float
    peak_rss_mib: float
    exit_code: int


def progress(message: str) -> None:
    print(message, file=sys.stderr, flush=True)


def process_tree(root: int) -> list[int]:
    """root and its descendants, from the parent ids in /proc/*/stat."""
    children: dict[int, list[int]] = {}
    for entry in os.scandir("/proc"):
        if entry.name.isdigit():
            try:
                with open(f"/proc/{entry.name}/stat", "rb") as stat:
                    # The command name may hold spaces and parentheses: fields start after the last ')'.
                    parent = int(stat.read().rsplit(b")", 1)[1].split()[1])
            except (OSError, IndexError, ValueError):
                continue
            children.setdefault(parent, []).append(int(entry.name))
    tree, pending = [], [root]
    while pending:
        pid = pending.pop()
        tree.append(pid)
        pending.extend(children.get(pid, ()))
    return tree


def tree_pss_mib(root: int) -> float:
    """Memory of a process tree: the sum of PSS, which counts pages that forked workers
    share with their parent once, where a sum of RSS would count them in every process."""
    total_kib = 0
    for pid in process_tree(root):
        try:
            with open(f"/proc/{pid}/smaps_rollup") as rollup:
                total_kib += next(int(line.split()[1]) for line in rollup if line.startswith("Pss:"))
        except (OSError, StopIteration):
            continue  # gone already
    return total_kib / 1024


def watch_memory(child: subprocess.Popen, timeout: float, done: threading.Event, peak: list[float]) -> None:
    """Sample the tree's memory until `done`; kill the child's process group after `timeout`."""
    deadline = time.monotonic() + timeout
    while not done.wait(MEMORY_SAMPLE_SECONDS):
        peak[0] = max(peak[0], tree_pss_mib(child.pid))
        if time.monotonic() > deadline:
            os.killpg(child.pid, signal.SIGKILL)
            return


def run(command: list[str], cwd: Path, log_path: Path, timeout: float) -> Run:
    """Run one child process, its output to log_path; killed after `timeout` seconds."""
    with open(log_path, "wb") as log:
        start = time.perf_counter()
        # Its own session, so a timeout kills any workers it forked along with it.
        child = subprocess.Popen(
            command, cwd=cwd, stdout=log, stderr=subprocess.STDOUT, stdin=subprocess.DEVNULL, start_new_session=True
        )
        done, sampled_peak = threading.Event(), [0.0]
        watcher = threading.Thread(target=watch_memory, args=(child, timeout, done, sampled_peak))
        watcher.start()
        try:
            # wait4, not Popen.wait: it returns this child's own rusage, so each run's peak
            # memory is its own rather than the maximum over every child so far.
            _, status, usage = os.wait4(child.pid, 0)
        finally:
            done.set()
            watcher.join()
        seconds = time.perf_counter() - start
    child.returncode = os.waitstatus_to_exitcode(status)  # reaped here: tell Popen
    if child.returncode < 0:
        with open(log_path, "a") as log:
            log.write(f"\n[bench] killed by signal {-child.returncode} after {seconds:.0f} s\n")
    # ru_maxrss (KiB) is exact but per process: the largest of the child and its workers.
    # The sampled tree total is what a build that forks workers needs as a whole.
    return Run(seconds, max(usage.ru_maxrss / 1024, sampled_peak[0]), child.returncode)


def log_tail(log_path: Path, lines: int = 25) -> str:
    text = log_path.read_text(encoding="utf-8", errors="replace").splitlines()
    return "\n".join("    " + line for line in text[-lines:])


def step(site: Path, name: str, command: list[str], timeout: float) -> Run:
    """One measured command in `site`, its log in name.log. Raises BenchError when it fails."""
    log_path = site / f"{name}.log"
    result = run(command, site, log_path, timeout)
    if result.exit_code != 0:
        raise BenchError(f"{name}: {Path(command[0]).name} exited with {result.exit_code}; end of {log_path}:\n{log_tail(log_path)}")
    progress(f"{name}: {result.seconds:.1f} s, peak RSS {result.peak_rss_mib:.0f} MiB")
    return result


def build(site: Path, name: str, timeout: float, settings: str = "pelicanconf.py", output: str = "output") -> Run:
    """One `pelican` build in `site`, like `make html`."""
    return step(site, name, [PELICAN, "content", "-o", output, "-s", settings], timeout)


def output_size(folder: Path) -> tuple[float, int]:
    """(MB, file count) of everything under folder."""
    total, count = 0, 0
    for parent, _, names in os.walk(folder):
        for name in names:
            total += os.path.getsize(os.path.join(parent, name))
            count += 1
    return round(total / 1e6, 1), count


def snapshot_code(folder: Path) -> None:
    """Copy the package and the importer to `folder` and put it first on every child's path.

    The builds then run the code as it was when the benchmark started: the project is
    installed editable, and an edit made during a long run would otherwise change the
    code between two builds (and the plugin's cache keys with it).
    """
    shutil.copytree(PROJECT / "dailypapers", folder / "dailypapers", ignore=shutil.ignore_patterns("__pycache__"))
    (folder / "scripts").mkdir()
    shutil.copy2(PROJECT / "scripts" / "papers.py", folder / "scripts" / "papers.py")  # imports from its parent
    os.environ["PYTHONPATH"] = os.pathsep.join(filter(None, [str(folder), os.environ.get("PYTHONPATH")]))


def make_site(site: Path) -> Path:
    """A site folder like the project's: settings, taxonomy, theme, and content/ without papers."""
    (site / "content").mkdir(parents=True)
    for entry in (PROJECT / "content").iterdir():
        if entry.name == POSTS_SUBDIR or entry.name.startswith("."):  # .import.lock
            continue
        if entry.is_dir():
            shutil.copytree(entry, site / "content" / entry.name)
        else:
            shutil.copy2(entry, site / "content" / entry.name)
    for name in SITE_FILES:
        shutil.copy2(PROJECT / name, site / name)
    shutil.copytree(PROJECT / "theme", site / "theme")
    return site


def count_posts(site: Path) -> int:
    return sum(1 for _ in (site / "content" / POSTS_SUBDIR).glob("*/*/*/*.md"))


def search_index(site: Path, name: str, papers_script: Path, timeout: float) -> Run:
    """`papers index` over the built site, as `make html` runs it last."""
    return step(site, name, [sys.executable, str(papers_script), "index", "--site", "output"], timeout)


def build_parts(site: Path) -> dict:
    """Where the last build's time went, as the plugin recorded it: reading posts, grouping
    them, declaring and keying pages by kind, rendering by kind (CPU seconds over the workers)."""
    parts = json.loads((site / "cache" / TIMINGS_FILE).read_text(encoding="utf-8"))
    rounded = {name: round(value, 2) if isinstance(value, float) else
               {kind: round(seconds, 2) for kind, seconds in sorted(value.items(), key=lambda kv: -kv[1])}
               for name, value in parts.items()}
    progress("  parts: " + json.dumps(rounded))
    return rounded


def bench_synthetic(site: Path, source: synthetic.SyntheticPapers, timeout: float, papers_script: Path | None) -> dict:
    """The build figures; with papers_script, the search index's too (a first index of
    every bundle, then what no change and a new day cost), and the daily job's totals:
    each build step followed by its index step, as `make html` runs them."""
    # A clean build: no output and no build cache (Pelican's CACHE_PATH, which the plugin uses).
    for leftover in ("output", "cache"):
        shutil.rmtree(site / leftover, ignore_errors=True)
    steps: dict[str, list[Run]] = {}
    parts: dict[str, dict] = {}
    for name in ("full", "noop", "add_day"):
        if name == "add_day":
            added = synthetic.write_posts(site / "content", source.papers(synthetic.PAPERS_PER_DAY, NEWEST_DAY + timedelta(days=1)))
            progress(f"added one day of {added} papers")
        steps[name] = [build(site, f"{name}_build" if name != "noop" else "noop_rebuild", timeout)]
        parts[name] = build_parts(site)
        if name == "full":
            output_mb, files = output_size(site / "output")
            progress(f"output: {output_mb} MB in {files} files")
        if papers_script:
            steps[name].append(search_index(site, f"search_index_{name}", papers_script, timeout))
    results = {
        "full_build_s": round(steps["full"][0].seconds, 2),
        "noop_rebuild_s": round(steps["noop"][0].seconds, 2),
        "add_day_rebuild_s": round(steps["add_day"][0].seconds, 2),
        "peak_rss_mib": round(max(runs[0].peak_rss_mib for runs in steps.values()), 1),
        "output_mb": output_mb,
        "files": files,
        "full_build_parts": parts["full"],
        "add_day_parts": parts["add_day"],
    }
    if papers_script:
        index_mb, index_files = output_size(site / "output" / "pagefind")
        total_mb, total_files = output_size(site / "output")
        results.update({
            "search_full_s": round(steps["full"][1].seconds, 2),
            "search_full_peak_mib": round(steps["full"][1].peak_rss_mib, 1),
            "search_noop_s": round(steps["noop"][1].seconds, 2),
            "search_add_day_s": round(steps["add_day"][1].seconds, 2),
            "search_add_day_peak_mib": round(steps["add_day"][1].peak_rss_mib, 1),
            "search_mb": index_mb,
            "search_files": index_files,
            # The daily job: the build and then the index, as `make html` runs them.
            "job_full_s": round(sum(run.seconds for run in steps["full"]), 2),
            "job_noop_s": round(sum(run.seconds for run in steps["noop"]), 2),
            "job_add_day_s": round(sum(run.seconds for run in steps["add_day"]), 2),
            "job_peak_mib": round(max(run.peak_rss_mib for runs in steps.values() for run in runs), 1),
            "job_output_mb": total_mb,
            "job_files": total_files,
        })
    return results


def bench_stock(site: Path, timeout: float) -> dict:
    shutil.copy2(STOCK_SETTINGS, site / "stock_pelicanconf.py")
    stock = build(site, "stock_full_build", timeout, settings="stock_pelicanconf.py", output="stock-output")
    output_mb, files = output_size(site / "stock-output")
    progress(f"stock output: {output_mb} MB in {files} files")
    return {
        "stock_full_build_s": round(stock.seconds, 2),
        "stock_peak_rss_mib": round(stock.peak_rss_mib, 1),
        "stock_output_mb": output_mb,
        "stock_files": files,
    }


def bench_real(archive: Path, site: Path, papers_script: Path, timeout: float, search: bool) -> dict:
    """Import every day of a tar.xz of API responses with `papers.py import`, then build
    (and with `search`, index)."""
    unpacked = site.parent / "real-input"
    with tarfile.open(archive) as tar:
        tar.extractall(unpacked, filter="data")
    days = sorted(unpacked.rglob("*.json"))
    progress(f"real: importing {len(days)} files from {archive}")
    log_path = site / "import.log"
    command = [sys.executable, str(papers_script), "--config", "pelicanconf.py", "import"]
    imported = run(command + [str(day) for day in days], site, log_path, timeout)
    # The importer reports skipped entries with a non-zero status: measure what it did write.
    progress(f"real import: {imported.seconds:.1f} s, exit status {imported.exit_code}; end of {log_path}:")
    progress(log_tail(log_path, 10 if imported.exit_code else 2))
    result = {
        "real_papers": count_posts(site),
        "real_import_s": round(imported.seconds, 2),
        "real_import_exit": imported.exit_code,
    }
    real = build(site, "real_build", timeout)
    output_mb, files = output_size(site / "output")
    progress(f"real output: {output_mb} MB in {files} files")
    result.update(
        real_build_s=round(real.seconds, 2),
        real_peak_rss_mib=round(real.peak_rss_mib, 1),
        real_output_mb=output_mb,
        real_files=files,
    )
    if search:
        index = search_index(site, "real_search_index", papers_script, timeout)
        index_mb, index_files = output_size(site / "output" / "pagefind")
        progress(f"real search index: {index.seconds:.1f} s, peak RSS {index.peak_rss_mib:.0f} MiB, {index_mb} MB")
        result.update(real_search_s=round(index.seconds, 2), real_search_peak_mib=round(index.peak_rss_mib, 1),
                      real_search_mb=index_mb, real_search_files=index_files)
    return result


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--n", type=int, default=40000, help="synthetic papers (default: %(default)s)")
    parser.add_argument("--real", type=Path, help="a tar.xz of daily API responses to import and build too")
    parser.add_argument("--stock", action="store_true", help="also build the synthetic posts with stock Pelican")
    parser.add_argument("--search", action="store_true", help="also time the search index (papers index)")
    parser.add_argument("--keep", action="store_true", help="keep the temporary folder")
    parser.add_argument("--timeout", type=float, default=3600, help="seconds before a step is killed (default: %(default)s)")
    args = parser.parse_args(argv)

    work = Path(tempfile.mkdtemp(prefix="dailypapers-bench-"))
    progress(f"working in {work}")
    try:
        code = work / "code"
        snapshot_code(code)
        site = make_site(work / "site")
        real_site = make_site(work / "real-site") if args.real else None
        source = synthetic.SyntheticPapers()
        start = time.perf_counter()
        written = synthetic.write_posts(site / "content", source.papers(args.n, NEWEST_DAY))
        progress(f"generated {written} posts in {time.perf_counter() - start:.1f} s")

        # Stock first, while the content is exactly the N papers our full build reads.
        stock = optional_part("stock", lambda: bench_stock(site, args.timeout)) if args.stock else {}
        importer = code / "scripts" / "papers.py"
        results = {"n": args.n, **bench_synthetic(site, source, args.timeout, importer if args.search else None)}
        if args.real:
            results.update(optional_part("real", lambda: bench_real(args.real, real_site, importer, args.timeout, args.search)))
        results.update(stock)
        results.update(budget(results))
    except BenchError as error:
        progress(f"error: {error}")
        return 1
    finally:
        if args.keep:
            progress(f"kept {work}")
        else:
            shutil.rmtree(work, ignore_errors=True)
    print(json.dumps(results))
    return 0


# The daily job's budget at 40,000 papers (issue "the whole daily job"): a ratio to stock
# Pelican's full build of the same posts, or a limit.
STOCK_RATIOS = (("full", 0.2), ("add_day", 0.02), ("noop", 0.01))
LIMITS = (("peak_mib", 1024), ("output_mb", 450))


def budget(results: dict) -> dict:
    """Each budget line met or not, measured with the search index when it was run."""
    job = "job_" if "job_full_s" in results else ""
    measured = {
        "full": results["full_build_s"], "noop": results["noop_rebuild_s"], "add_day": results["add_day_rebuild_s"],
        "peak_mib": results["peak_rss_mib"], "output_mb": results["output_mb"],
    }
    if job:
        measured.update({step: results[f"job_{step}_s"] for step in ("full", "noop", "add_day")},
                        peak_mib=results["job_peak_mib"], output_mb=results["job_output_mb"])
    limits = dict(LIMITS)
    if "stock_full_build_s" in results:
        limits.update({step: ratio * results["stock_full_build_s"] for step, ratio in STOCK_RATIOS})
    met = {}
    for line, limit in limits.items():
        met[line] = measured[line] <= limit
        progress(f"budget {line}: {measured[line]} (limit {limit:.1f}) {'met' if met[line] else 'NOT MET'}")
    return {"budget_met": met}


def optional_part(prefix: str, measure) -> dict:
    """The results of an optional measurement; a failure is reported, not fatal."""
    try:
        return measure()
    except (BenchError, OSError, tarfile.TarError) as error:
        progress(f"error: {error}")
        return {f"{prefix}_error": str(error).split("\n")[0]}


if __name__ == "__main__":
    sys.exit(main())
