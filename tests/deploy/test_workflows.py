"""The CI files: triggers, permissions, and that they build and test with the README's commands."""

from __future__ import annotations

import re
import shlex
from pathlib import Path
from typing import Any

import yaml

from sunshine.cli import _parser

from .conftest import REPO

GITHUB = REPO / ".github" / "workflows" / "publish.yml"
GITLAB = REPO / ".gitlab-ci.yml"
README_COMMANDS = ["make site", "make test"]
PAGES_ACTIONS = ("actions/configure-pages@", "actions/upload-pages-artifact@", "actions/deploy-pages@")


def _load(path: Path) -> dict[Any, Any]:
    doc = yaml.safe_load(path.read_text(encoding="utf-8"))
    assert isinstance(doc, dict)
    return doc


def _commands(lines: list[str]) -> list[str]:
    """Shell commands of ``run:`` blocks / ``script:`` items, one per line, heredoc bodies left out."""
    out: list[str] = []
    heredoc: str | None = None
    for block in lines:
        for line in block.splitlines():
            line = line.strip()
            if heredoc is not None:
                heredoc = None if line == heredoc else heredoc
                continue
            if not line or line.startswith("#"):
                continue
            match = re.search(r"<<-?\s*'?(\w+)'?", line)
            heredoc = match.group(1) if match else None
            out.append(line)
    return out


def _build_commands(commands: list[str]) -> list[str]:
    """The commands that install, build, test or check (not system setup or copying)."""
    return [c for c in commands if c.startswith(("make", ".venv/bin/python build.py", ".venv/bin/python -m", "python", "pip", ".venv/bin/pip", "npm", "pytest"))]


def _check_build_steps(commands: list[str]) -> None:
    steps = _build_commands(commands)
    assert steps[:2] == README_COMMANDS, "install and test exactly as the README says"
    builds = [c for c in steps[2:] if c.startswith(".venv/bin/python build.py")]
    assert steps[2:] == builds, f"no other install or build commands: {steps}"
    args = [shlex.split(c)[2:] for c in builds]
    assert ["--strict"] in args and ["check"] in args
    for argv in args:  # every option exists in the CLI
        _parser().parse_args(argv)
    readme = (REPO / "README.md").read_text(encoding="utf-8")
    assert all(name in readme for name in README_COMMANDS)
    makefile = (REPO / "Makefile").read_text(encoding="utf-8")
    assert re.search(r"^site:", makefile, flags=re.M) and re.search(r"^test:", makefile, flags=re.M)


def test_github_workflow_triggers() -> None:
    doc = _load(GITHUB)
    on: dict[str, Any] = doc["on"] if "on" in doc else doc[True]  # YAML 1.1 reads the key `on` as true
    assert on["push"]["branches"] == ["main"]
    assert on["schedule"] == [{"cron": "5 16 * * *"}]  # 00:05 Asia/Shanghai
    assert "workflow_dispatch" in on
    assert "pull_request" not in on


def test_github_workflow_builds_tests_and_deploys_to_pages() -> None:
    doc = _load(GITHUB)
    jobs = doc["jobs"]
    build_steps = jobs["build"]["steps"]
    _check_build_steps(_commands([s["run"] for s in build_steps if "run" in s]))
    uses = [s["uses"] for job in jobs.values() for s in job["steps"] if "uses" in s]
    for action in PAGES_ACTIONS:
        assert any(u.startswith(action) for u in uses), action
    assert any(u.startswith("actions/cache@") for u in uses), "dependency caching"
    checkout = next(s for s in build_steps if s.get("uses", "").startswith("actions/checkout@"))
    assert checkout["with"]["fetch-depth"] == 0, "revision history needs the whole git log"
    upload = next(s for s in build_steps if s.get("uses", "").startswith("actions/upload-pages-artifact@"))
    assert upload["with"]["path"].rstrip("/") == "site"
    names = [s.get("name", "") + s.get("uses", "") for s in build_steps]
    order = [next(i for i, n in enumerate(names) if key in n) for key in ("make site", "make test", "--strict", "Check", "upload-pages-artifact")]
    assert order == sorted(order), "upload only after tests, strict build and check"
    deploy = jobs["deploy"]
    assert deploy["needs"] == "build"
    assert deploy["permissions"] == {"pages": "write", "id-token": "write"}
    assert deploy["environment"]["name"] == "github-pages"
    assert doc["permissions"] == {"contents": "read"}
    assert doc["concurrency"]["cancel-in-progress"] is False


def test_github_workflow_checks_base_url_against_pages_path() -> None:
    steps = _load(GITHUB)["jobs"]["build"]["steps"]
    check = next(s for s in steps if "PAGES_BASE_PATH" in s.get("env", {}))
    assert check["env"]["PAGES_BASE_PATH"] == "${{ steps.pages.outputs.base_path }}"
    assert "base_url" in check["run"]


def test_gitlab_pages_job() -> None:
    doc = _load(GITLAB)
    job = doc["pages"]
    _check_build_steps(_commands(job["script"]))
    assert job["script"][-2:] == ["rm -rf public", "cp -r site public"]
    assert job["artifacts"]["paths"] == ["public"]
    assert job["rules"] == [{"if": "$CI_COMMIT_BRANCH == $CI_DEFAULT_BRANCH"}]
    assert job["variables"]["GIT_DEPTH"] == "0"
    assert job["cache"], "dependency caching"
    assert "5 0 * * *" in GITLAB.read_text(encoding="utf-8") and "Asia/Shanghai" in GITLAB.read_text(encoding="utf-8")


def test_docs_describe_every_way_to_publish() -> None:
    text = (REPO / "docs" / "发布指南.md").read_text(encoding="utf-8")
    for needle in ("GitHub Pages", "GitLab Pages", "Gitee Pages", "nginx", "rsync", "OSS", "COS", "MinIO", "moto", "--dry-run", "5 16 * * *", "/qingxi/"):
        assert needle in text, needle
