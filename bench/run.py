"""Benchmark: Sunshine's build times and peak memory on a generated corpus, beside its peers.

    .venv/bin/python bench/run.py [--n 2000] [--runs 3] [--peers] [--json out.json] [--keep]

Not a test: it prints a table and exits 0 unless the corpus itself is broken. It

1. writes a deterministic corpus of N records (bench/corpus.py) into a temporary folder
   (in /dev/shm, memory, when it has room: see :func:`ram_folder`):
   a Sunshine site and, with ``--peers``, the same pages for Hugo, Pelican, MkDocs and
   Eleventy;
2. times whole processes from outside (``time.perf_counter`` around ``Popen`` +
   ``os.wait4``) and takes their peak memory: the larger of ``ru_maxrss`` (the largest
   single process of the tree) and the summed PSS of the whole tree, sampled every
   50 ms, then every 250 ms once a process has run two seconds (two indexers at once,
   forked workers; :class:`TreeMemory`);
3. for Sunshine, with the search index (default) and without it (SUNSHINE_NO_SEARCH=1):
   cold build (site/, its kept spare .site.spare/ and .cache/ deleted), no-change rebuild, one-record edit (a sentence
   appended to one notice) and one-template edit (a comment inserted into the corpus's own
   templates/kinds/notice.html), the next day's rebuild (the same command with ``--now``
   a day later: what the daily CI build does), and the ``serve`` path from saving a file to the rebuilt
   page being on disk when ``sunshine.serve.Rebuilder`` exists (else n/a): the save is
   heard by the server's own watcher (``sunshine.watch.NotifyWatcher``), as in
   ``build.py serve``, and its latency counts;
4. for each installed peer the same cold / no-change / one-record edit, and a layout edit
   where the peer has a layout file of ours (Hugo, Eleventy);
5. alternates: round 1 runs every tool's sequence once (sunshine, sunshine without search,
   hugo, pelican, mkdocs, eleventy), round 2 again, …; each figure is the median of
   ``--runs`` rounds. A peer that fails is reported with the tail of its error output and
   shown as "failed"; the run goes on. Within a round, a no-change or one-record edit
   measure that takes under :data:`SHORT` seconds is taken :data:`REPEATS` times (each
   edit a new sentence) and its median kept, with the largest peak memory: a one-second
   measure moves by a fifth with what else the machine does, a forty-second one does not.

Peers come from ``bash bench/install_peers.sh`` (bench/.peers/, git-ignored).
"""

from __future__ import annotations

import argparse
import compileall
import datetime as dt
import inspect
import json
import os
import platform
import shutil
import signal
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

HERE = Path(__file__).resolve().parent
REPO = HERE.parent
PEERS = HERE / ".peers"
NOW = "2020-06-15"
NEXT_DAY = "2020-06-16"  # the next-day rebuild: what the daily CI build does
sys.path.insert(0, str(HERE))
import corpus as C  # noqa: E402

MEASURES = [
    ("cold", "cold build"),
    ("nochange", "no-change rebuild"),
    ("edit", "one-record edit"),
    ("template", "one-template edit"),
    ("nextday", "next-day rebuild"),
    ("serve", "serve: save → page on disk"),
    ("serve_title", "serve: title edit → page on disk"),
]
SERVE_MEASURES = ("serve", "serve_title")  # measured in the probe, Sunshine only


# ---------------------------------------------------------------- measuring


@dataclass
class Sample:
    seconds: float
    rss_kb: int
    ok: bool
    note: str = ""


class TreeMemory:
    """The peak of the summed PSS of a process and all its descendants, sampled.

    ``ru_maxrss`` knows only the largest single process; a build that runs two
    indexers at once, or forks workers, needs the sum. PSS counts a page shared by
    forked processes once in all (each gets its share), so forked workers are not
    counted twice. Sampled from /proc (Linux only) every ``every`` seconds for the first
    ``quick_for`` seconds, then every ``later`` seconds: reading a large process's
    smaps_rollup walks its page tables, and at 20 reads a second the sampling slowed a
    10,000-record Sunshine build without search by about 2.5 s (27 → 29.5 s, median of
    three alternating) on two cores; a long build's peak lasts seconds."""

    def __init__(self, pid: int, every: float = 0.05, quick_for: float = 2.0, later: float = 0.25):
        self.pid, self.every, self.peak_kb = pid, every, 0
        self.quick_for, self.later = quick_for, later
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, daemon=True)
        if Path("/proc/self/smaps_rollup").exists():
            self._thread.start()

    def _tree(self) -> list[int]:
        children: dict[int, list[int]] = {}
        for entry in os.scandir("/proc"):
            if entry.name.isdigit():
                try:
                    stat = Path(entry.path, "stat").read_text()
                    ppid = int(stat.rsplit(")", 1)[1].split()[1])
                except (OSError, ValueError, IndexError):
                    continue
                children.setdefault(ppid, []).append(int(entry.name))
        tree, todo = [], [self.pid]
        while todo:
            pid = todo.pop()
            tree.append(pid)
            todo.extend(children.get(pid, []))
        return tree

    def _run(self) -> None:
        started = time.monotonic()
        while not self._stop.wait(self.every if time.monotonic() - started < self.quick_for else self.later):
            total = 0
            for pid in self._tree():
                try:
                    for line in Path(f"/proc/{pid}/smaps_rollup").read_text().splitlines():
                        if line.startswith("Pss:"):
                            total += int(line.split()[1])
                            break
                except (OSError, ValueError):
                    continue
            self.peak_kb = max(self.peak_kb, total)

    def stop(self) -> int:
        self._stop.set()
        if self._thread.is_alive():
            self._thread.join()
        return self.peak_kb


def timed(cmd: list[str], cwd: Path, env: dict[str, str] | None = None) -> Sample:
    """Run ``cmd`` as a whole process; wall time and peak memory (KB) of its process tree.

    The memory is the larger of the largest single process's peak RSS and the sampled
    peak of the tree's summed PSS (:class:`TreeMemory`)."""
    with tempfile.TemporaryFile() as err:
        started = time.perf_counter()
        proc = subprocess.Popen(cmd, cwd=cwd, env=env, stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL, stderr=err)
        memory = TreeMemory(proc.pid)
        try:
            _, status, usage = os.wait4(proc.pid, 0)
        except BaseException:  # interrupted: leave no build running behind us
            proc.kill()
            proc.wait()
            raise
        finally:
            tree_kb = memory.stop()
        seconds = time.perf_counter() - started
        code = os.waitstatus_to_exitcode(status)
        proc.returncode = code  # reaped by wait4: keep Popen from waiting again
        note = ""
        if code != 0:
            err.seek(0)
            tail = err.read().decode("utf-8", "replace").strip().splitlines()[-12:]
            note = f"exit {code}: " + "\n".join(tail)
    return Sample(seconds, max(usage.ru_maxrss, tree_kb), code == 0, note)


def append_sentence(path: Path, marker: str) -> None:
    """Save a one-sentence edit the way an editor would: write the whole file again."""
    text = path.read_text(encoding="utf-8")
    if path.suffix in (".yaml", ".yml"):
        raise ValueError("edit target must be Markdown")
    text = text.rstrip("\n") + f"\n\n{marker}各党支部要对照本公告要求抓好落实，有关情况及时报送。\n"
    path.write_text(text, encoding="utf-8")


def retitle(path: Path, marker: str) -> None:
    """Save an edit of the record's title (its front matter): ``marker`` added to it."""
    text = path.read_text(encoding="utf-8")
    head, sep, rest = text.partition("\ntitle: ")
    if not sep:
        raise ValueError("edit target has no title line")
    line, newline, tail = rest.partition("\n")
    path.write_text(f"{head}{sep}{line}{marker}{newline}{tail}", encoding="utf-8")


def insert_marker(path: Path, anchor: str, marker: str) -> None:
    """Template edit: put ``marker`` right after the first ``anchor`` (or at the end)."""
    text = path.read_text(encoding="utf-8")
    if anchor in text:
        text = text.replace(anchor, anchor + marker, 1)
    else:
        text += marker
    path.write_text(text, encoding="utf-8")


def contains(path: Path, needle: str) -> bool:
    try:
        return needle in path.read_text(encoding="utf-8", errors="replace")
    except OSError:
        return False


# ---------------------------------------------------------------- tools


@dataclass
class Tool:
    name: str
    cwd: Path
    cmd: list[str]
    outputs: list[Path]  # deleted for a cold build
    source: Callable[[C.Rec], Path]  # file of the edited record
    page: Callable[[C.Rec], Path]  # its output page
    template: Path | None = None
    anchor: str = ""
    env: dict[str, str] | None = None
    next_day: list[str] | None = None  # the build command a day later (Sunshine's pages depend on the date)
    samples: dict[str, list[Sample]] = field(default_factory=dict)
    failed: str = ""
    version: str = ""

    def add(self, measure: str, sample: Sample) -> None:
        self.samples.setdefault(measure, []).append(sample)


def hugo_binary() -> Path | None:
    found = sorted(PEERS.glob("venv/lib/python*/site-packages/hugo/binaries/hugo*"))
    if found:
        return found[0]
    which = shutil.which("hugo")
    return Path(which) if which else None


def _version(cmd: list[str]) -> str:
    try:
        done = subprocess.run(cmd, capture_output=True, text=True, timeout=60, check=False)
    except OSError:
        return ""
    text = (done.stdout or done.stderr).strip().splitlines()
    return text[-1][:80] if text else ""


def sunshine_tools(root: Path, py: str) -> list[Tool]:
    site = root / "sunshine"
    cmd = [py, str(REPO / "build.py"), "--root", str(site), "--now", NOW, "-q"]
    outs = [site / "site", site / ".cache", site / "site-internal", site / ".site.spare", site / ".site-internal.spare"]

    def src(r: C.Rec) -> Path:
        return site / r.rel

    def page(r: C.Rec) -> Path:
        return site / "site" / r.folder / r.name / "index.html"

    tmpl = site / "templates" / "kinds" / "notice.html"
    anchor = '<article class="record notice">'
    env = dict(os.environ)
    env.pop("SUNSHINE_NO_SEARCH", None)
    env_ns = dict(env, SUNSHINE_NO_SEARCH="1")
    version = _version([py, "-c", "import sunshine; print('sunshine', getattr(sunshine, '__version__', '?'))"])
    later = [NEXT_DAY if arg == NOW else arg for arg in cmd]
    return [
        Tool("sunshine", site, cmd, outs, src, page, tmpl, anchor, env, later, version=version),
        Tool("sunshine-nosearch", site, cmd, outs, src, page, tmpl, anchor, env_ns, later, version=version),
    ]


def pagefind_binary() -> Path | None:
    """The extended Pagefind binary Sunshine itself uses (pagefind[extended] in the venv)."""
    try:
        import pagefind_bin_extended  # type: ignore[import-not-found]
    except ImportError:
        return None
    found = Path(pagefind_bin_extended.__file__).parent / "pagefind_extended"
    return found if found.is_file() else None


def peer_tools(root: Path) -> list[Tool]:
    tools: list[Tool] = []
    missing: list[str] = []
    hugo = hugo_binary()
    if hugo:
        d = root / "hugo"
        tools.append(Tool(
            "hugo", d, [str(hugo), "--quiet", "--source", str(d), "--destination", str(d / "public")],
            [d / "public", d / "resources", d / ".hugo_build.lock"],
            lambda r: C.peer_source(root, "hugo", r), lambda r, d=d: d / "public" / "posts" / r.name / "index.html",
            d / "layouts" / "_default" / "single.html", "<article>", version=_version([str(hugo), "version"]),
        ))
    else:
        missing.append("hugo")
    pagefind = pagefind_binary()
    if hugo and pagefind:  # the "Hugo + Pagefind": the same pages, then the same extended indexer
        d = root / "hugo"
        script = f'"{hugo}" --quiet --source "{d}" --destination "{d / "public"}" && "{pagefind}" --site "{d / "public"}" --silent'
        tools.append(Tool(
            "hugo+pagefind", d, ["sh", "-c", script],
            [d / "public", d / "resources", d / ".hugo_build.lock"],
            lambda r: C.peer_source(root, "hugo", r), lambda r, d=d: d / "public" / "posts" / r.name / "index.html",
            d / "layouts" / "_default" / "single.html", "<article>",
            version=_version([str(pagefind), "--version"]),
        ))
    venv = PEERS / "venv" / "bin"
    if (venv / "pelican").exists():
        d = root / "pelican"
        tools.append(Tool(
            "pelican", d, [str(venv / "pelican"), "content", "-s", "pelicanconf.py", "-o", "output", "-q"],
            [d / "output", d / "cache", d / "__pycache__"],
            lambda r: C.peer_source(root, "pelican", r), lambda r, d=d: d / "output" / f"{r.name}.html",
            version="pelican " + _version([str(venv / "pelican"), "--version"]),
        ))
    else:
        missing.append("pelican")
    if (venv / "mkdocs").exists():
        d = root / "mkdocs"
        tools.append(Tool(
            "mkdocs", d, [str(venv / "mkdocs"), "build", "-q", "-f", "mkdocs.yml", "-d", "site"],
            [d / "site"],
            lambda r: C.peer_source(root, "mkdocs", r), lambda r, d=d: d / "site" / r.name / "index.html",
            version=_version([str(venv / "mkdocs"), "--version"]).split(" from ")[0],
        ))
    else:
        missing.append("mkdocs")
    eleventy = PEERS / "node" / "node_modules" / ".bin" / "eleventy"
    node = shutil.which("node")
    if eleventy.exists() and node:
        d = root / "eleventy"
        tools.append(Tool(
            "eleventy", d, [node, str(eleventy.resolve()), "--input=src", "--output=_site", "--quiet"],
            [d / "_site", d / ".cache"],
            lambda r: C.peer_source(root, "eleventy", r), lambda r, d=d: d / "_site" / "posts" / r.name / "index.html",
            d / "src" / "_includes" / "base.njk", "<main>",
            version="eleventy " + _version([node, str(eleventy.resolve()), "--version"]),
        ))
    else:
        missing.append("eleventy")
    if missing:
        print(f"peers not installed (bash bench/install_peers.sh): {', '.join(missing)}", file=sys.stderr)
    return tools


RAM_FOLDER = Path("/dev/shm")
RAM_PER_RECORD = 500 * 1024  # bytes the corpus and every tool's output take per record, with room to spare


def ram_folder(n: int) -> str | None:
    """/dev/shm (memory) for the corpus when it has room, else None (the system's temporary
    folder). Every tool writes tens of thousands of small files; on this machine's disk the
    same 32,000 files took 2 s in one run and 27 s in the next, with the disk's own
    background work, which drowned the differences measured."""
    try:
        usage = shutil.disk_usage(RAM_FOLDER)
    except OSError:
        return None
    return str(RAM_FOLDER) if os.access(RAM_FOLDER, os.W_OK) and usage.free > n * RAM_PER_RECORD else None


def filesystem(folder: Path) -> str:
    """The type of the file system holding ``folder`` (tmpfs, ext4, …), from /proc/mounts."""
    try:
        mounts = [line.split() for line in Path("/proc/mounts").read_text().splitlines()]
    except OSError:
        return "?"
    where = str(folder.resolve())
    best = max((m for m in mounts if len(m) > 2 and (where + "/").startswith(m[1].rstrip("/") + "/")), key=lambda m: len(m[1]), default=None)
    return best[2] if best else "?"


def clean(tool: Tool) -> None:
    for path in tool.outputs:
        if path.is_dir() and not path.is_symlink():
            shutil.rmtree(path)
        elif path.exists() or path.is_symlink():
            path.unlink()
    for stray in [*tool.cwd.glob(".site-*"), *tool.cwd.glob(".site.tmp-*"), *tool.cwd.glob(".site.old-*")]:  # an interrupted Sunshine build's folders
        shutil.rmtree(stray, ignore_errors=True)


SHORT = 5.0  # seconds: a no-change or edit measure under this is taken REPEATS times in a round
REPEATS = 3


def _edit(tool: Tool, rec: C.Rec, round_no: int) -> Callable[[], tuple[Path, str]]:
    """One more one-record edit each time it is called: a new sentence, found on the page after."""
    count = [0]

    def edit() -> tuple[Path, str]:
        count[0] += 1
        marker = f"（基准测试第{round_no}轮修改{count[0]}）"
        append_sentence(tool.source(rec), marker)
        return tool.page(rec), marker

    return edit


def _measure(tool: Tool, measure: str, prepare: Callable[[], tuple[Path, str] | None], log: Callable[[str], None]) -> Sample | None:
    """The measure's sample (None: it failed, and the tool is marked failed); a short
    no-change or edit measure is the median of REPEATS, with the largest peak memory."""
    samples: list[Sample] = []
    while True:
        expect = prepare()
        sample = timed(tool.next_day if measure == "nextday" and tool.next_day else tool.cmd, tool.cwd, tool.env)
        if not sample.ok:
            tool.failed = f"{measure}: {sample.note}"
            log(f"  {tool.name} {measure}: FAILED\n" + "\n".join("    " + ln for ln in sample.note.splitlines()))
            return None
        if expect is not None and not contains(*expect):
            sample.note = f"edit not found in {expect[0]}"
            log(f"  {tool.name} {measure}: warning: {sample.note}")
        samples.append(sample)
        if measure not in ("nochange", "edit") or len(samples) >= REPEATS or sum(s.seconds for s in samples) >= SHORT * len(samples):
            break
    seconds = statistics.median(s.seconds for s in samples)
    notes = "; ".join(dict.fromkeys(s.note for s in samples if s.note))
    if len(samples) > 1:
        log(f"  {tool.name:<18} {measure:<9} samples " + ", ".join(f"{s.seconds:.2f} s" for s in samples))
    return Sample(seconds, max(s.rss_kb for s in samples), True, notes)


def run_sequence(tool: Tool, rec: C.Rec, round_no: int, log: Callable[[str], None]) -> None:
    """cold → no-change → one-record edit → one-template edit (→ the next day's build), for one tool."""
    if tool.failed:
        return
    clean(tool)
    steps: list[tuple[str, Callable[[], tuple[Path, str] | None]]] = [("cold", lambda: None), ("nochange", lambda: None)]
    steps.append(("edit", _edit(tool, rec, round_no)))
    if tool.template is not None:
        # Not an HTML comment: Hugo's html/template drops comments from the output.
        tmark = f'<span hidden>bench template edit {tool.name} {round_no}</span>'
        steps.append(("template", lambda: (insert_marker(tool.template, tool.anchor, tmark), (tool.page(rec), tmark))[1]))  # type: ignore[arg-type]
    if tool.next_day is not None:
        steps.append(("nextday", lambda: None))
    for measure, prepare in steps:
        sample = _measure(tool, measure, prepare, log)
        if sample is None:
            return
        tool.add(measure, sample)
        log(f"  {tool.name:<18} {measure:<9} {sample.seconds:8.2f} s {sample.rss_kb / 1024:8.0f} MB")


# ---------------------------------------------------------------- serve path (in-process)


def serve_probe(root: Path, rel: str, page: str, runs: int) -> dict[str, Any]:
    """Time save → rebuilt page on disk through sunshine.serve.Rebuilder, in this process."""
    sys.path.insert(0, str(REPO))
    try:
        from sunshine import serve  # type: ignore[attr-defined]
    except Exception as exc:
        return {"na": f"no sunshine.serve ({type(exc).__name__}: {exc})"}
    rebuilder_cls = getattr(serve, "Rebuilder", None)
    if rebuilder_cls is None or not callable(getattr(rebuilder_cls, "rebuild", None)):
        return {"na": "sunshine.serve has no Rebuilder.rebuild()"}
    from sunshine.cli import parse_now
    from sunshine.site import BuildOptions

    now = parse_now(NOW, {})
    values: dict[str, Any] = {"root": root, "now": now, "edition": "public", "out": None, "out_dir": None}
    try:
        params = inspect.signature(rebuilder_cls).parameters
        kwargs: dict[str, Any] = {}
        for name, p in params.items():
            if name in ("options", "opts", "build_options"):
                kwargs[name] = BuildOptions(root=root, now=now)
            elif name in values and (p.default is inspect.Parameter.empty or values[name] is not None):
                kwargs[name] = values[name]
            elif p.default is inspect.Parameter.empty and p.kind not in (p.VAR_POSITIONAL, p.VAR_KEYWORD):
                return {"na": f"Rebuilder({name}=…) not understood by the benchmark"}
        rebuilder = rebuilder_cls(**kwargs)
        rebuild = rebuilder.rebuild
        rparams = [p for p in inspect.signature(rebuild).parameters.values()
                   if p.default is inspect.Parameter.empty and p.kind not in (p.VAR_POSITIONAL, p.VAR_KEYWORD)]
        source, target = root / rel, root / page

        def call() -> None:
            if rparams:  # rebuild(changed_paths)
                rebuild([source])
            else:
                rebuild()

        watcher = _watcher(root)
        started = time.perf_counter()
        call()  # first build (the server's start)
        first = time.perf_counter() - started
        times: list[float] = []
        title_times: list[float] = []
        for i in range(2 * runs):
            time.sleep(0.5)  # the editor is not that fast
            if watcher is not None:
                watcher.poll(time.monotonic())
            if i < runs:  # the body, then the title
                marker = f"（保存即生成第{i + 1}次）"
                append_sentence(source, marker)
            else:
                marker = f"（改标题第{i + 1 - runs}次）"
                retitle(source, marker)
            saved = time.perf_counter()
            if watcher is None:
                call()
            else:  # as the server does: hear the save, then rebuild what changed
                changed: list[str] = []
                while not changed and time.perf_counter() < saved + 60:
                    changed = watcher.poll(time.monotonic())
                    time.sleep(0.002)
                rebuild(changed)
            deadline = saved + 300
            while not contains(target, marker):
                if time.perf_counter() > deadline:
                    return {"na": "rebuilt page never showed the edit (300 s)"}
                time.sleep(0.002)
            (times if i < runs else title_times).append(time.perf_counter() - saved)
    except Exception as exc:
        return {"na": f"Rebuilder failed: {type(exc).__name__}: {exc}"}
    finally:
        if locals().get("watcher") is not None:
            watcher.close()
    import resource

    return {"first": first, "times": times, "title_times": title_times, "rss_kb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss}


def _watcher(root: Path) -> Any:
    """The server's own watcher when it has one (sunshine.watch.NotifyWatcher), else None."""
    try:
        from sunshine.watch import NotifyWatcher  # type: ignore[import-not-found,unused-ignore]
    except ImportError:
        return None
    return NotifyWatcher(root)


def run_serve(root: Path, rec: C.Rec, runs: int, py: str) -> dict[str, Any]:
    site = root / "sunshine"
    clean(Tool("x", site, [], [site / "site", site / ".cache"], lambda r: site, lambda r: site))
    cmd = [py, str(HERE / "run.py"), "--_serve-probe", str(site), rec.rel, f"site/{rec.folder}/{rec.name}/index.html", str(runs)]
    done = subprocess.run(cmd, capture_output=True, text=True, check=False, cwd=REPO, timeout=3600)
    try:
        return json.loads(done.stdout.strip().splitlines()[-1])
    except (ValueError, IndexError):
        return {"na": "probe crashed: " + " | ".join(done.stderr.strip().splitlines()[-5:])}


SAMPLE_NOTICE = "content/notices/2020-06-fazhan-duixiang-gongshi.md"


def run_serve_sample(runs: int, py: str) -> dict[str, Any]:
    """The same probe on a copy of the repository's own sample site (the staff issue's 300 ms)."""
    with tempfile.TemporaryDirectory(prefix="sunshine-bench-sample-") as tmp:
        site = Path(tmp)
        shutil.copy2(REPO / "config.yaml", site / "config.yaml")
        for name in ("content", "templates", "static"):
            shutil.copytree(REPO / name, site / name)
        page = "site/" + SAMPLE_NOTICE.removeprefix("content/").removesuffix(".md") + "/index.html"
        cmd = [py, str(HERE / "run.py"), "--_serve-probe", str(site), SAMPLE_NOTICE, page, str(runs)]
        done = subprocess.run(cmd, capture_output=True, text=True, check=False, cwd=REPO, timeout=600)
    try:
        return dict(json.loads(done.stdout.strip().splitlines()[-1]))
    except (ValueError, IndexError):
        return {"na": "probe crashed: " + " | ".join(done.stderr.strip().splitlines()[-5:])}


# ---------------------------------------------------------------- report


def median(samples: list[Sample] | None) -> tuple[float, int] | None:
    if not samples:
        return None
    return statistics.median(s.seconds for s in samples), int(statistics.median(s.rss_kb for s in samples))


def fmt_s(x: float | None) -> str:
    if x is None:
        return "n/a"
    return f"{x:.2f} s" if x >= 0.1 else f"{x * 1000:.0f} ms"


def fmt_ratio(a: float | None, b: float | None) -> str:
    return "n/a" if a is None or not b else f"{a / b:.2f}×"


def figures(tools: list[Tool], serve: dict[str, Any]) -> dict[str, dict[str, Any]]:
    out: dict[str, dict[str, Any]] = {}
    for t in tools:
        row: dict[str, Any] = {"version": t.version}
        if t.failed:
            row["failed"] = t.failed
        peak = 0
        for m, _ in MEASURES:
            med = median(t.samples.get(m))
            if med:
                row[m] = {"seconds": med[0], "rss_kb": med[1], "runs": [s.seconds for s in t.samples[m]]}
                peak = max(peak, max(s.rss_kb for s in t.samples[m]))
        row["peak_rss_kb"] = peak or None
        out[t.name] = row
    if "sunshine" in out:
        if serve.get("times"):
            out["sunshine"]["serve"] = {"seconds": statistics.median(serve["times"]), "runs": serve["times"],
                                        "first_build_seconds": serve["first"], "rss_kb": serve["rss_kb"]}
            if serve.get("title_times"):
                out["sunshine"]["serve_title"] = {"seconds": statistics.median(serve["title_times"]), "runs": serve["title_times"]}
        else:
            out["sunshine"]["serve_na"] = serve.get("na", "n/a")
    return out


def table(figs: dict[str, dict[str, Any]], names: list[str]) -> str:
    heads = {"sunshine": "sunshine", "sunshine-nosearch": "sunshine (no search)"}
    cols = [heads.get(n, n) for n in names]
    has_hugo = "hugo" in figs and "cold" in figs["hugo"]
    lines = ["| measure | " + " | ".join(cols) + (" | sunshine / hugo | no search / hugo |" if has_hugo else " |"),
             "|---|" + "---:|" * (len(cols) + (2 if has_hugo else 0))]

    def cell(name: str, m: str) -> str:
        row = figs.get(name, {})
        if m in row:
            return fmt_s(row[m]["seconds"])
        if row.get("failed") and m not in SERVE_MEASURES:
            return "failed"
        if m in SERVE_MEASURES and name == "sunshine":
            return "n/a"
        return "—"

    for m, label in MEASURES:
        line = f"| {label} | " + " | ".join(cell(n, m) for n in names)
        if has_hugo:
            hugo = figs["hugo"].get(m, {}).get("seconds")
            ratios = [fmt_ratio(figs.get(s, {}).get(m, {}).get("seconds"), hugo) for s in ("sunshine", "sunshine-nosearch")]
            line += " | " + " | ".join(ratios)
        lines.append(line + " |")
    rss = [figs.get(n, {}).get("peak_rss_kb") for n in names]
    line = "| peak RSS | " + " | ".join(f"{r / 1024:.0f} MB" if r else "—" for r in rss)
    if has_hugo:
        hugo_rss = figs["hugo"].get("peak_rss_kb")
        line += " | " + " | ".join(fmt_ratio(figs.get(s, {}).get("peak_rss_kb"), hugo_rss) for s in ("sunshine", "sunshine-nosearch"))
    lines.append(line + " |")
    return "\n".join(lines)


TARGETS = [  # (label, sunshine measure, hugo measure, limit); rebuilds compare with Hugo's *cold* build
    ("cold build ≤ 2.0 × Hugo cold", "cold", "cold", 2.0),
    ("no-change rebuild ≤ 0.15 × Hugo cold", "nochange", "cold", 0.15),
    ("one-record edit ≤ 0.10 × Hugo cold", "edit", "cold", 0.10),
    ("peak RSS ≤ 0.5 × Hugo's", "peak_rss_kb", "peak_rss_kb", 0.5),
]


def targets(figs: dict[str, dict[str, Any]]) -> str:
    hugo = figs.get("hugo", {})
    if "cold" not in hugo:
        return "(targets need Hugo: run with --peers after bash bench/install_peers.sh)"
    lines = ["| target (N=10,000) | sunshine | sunshine (no search) |", "|---|---|---|"]

    def value(row: dict[str, Any], key: str) -> float | None:
        v = row.get(key)
        return v.get("seconds") if isinstance(v, dict) else v

    for label, mine, theirs, limit in TARGETS:
        cells = []
        for s in ("sunshine", "sunshine-nosearch"):
            a, b = value(figs.get(s, {}), mine), value(hugo, theirs)
            if a is None or not b:
                cells.append("n/a")
            else:
                cells.append(f"{a / b:.2f}× {'met' if a / b <= limit else 'NOT met'}")
        lines.append(f"| {label} | " + " | ".join(cells) + " |")
    cold = {name: value(figs.get(name, {}), "cold") for name in ("sunshine", "sunshine-nosearch", "hugo+pagefind", "pelican", "mkdocs", "eleventy")}
    if cold["sunshine"] and cold["hugo+pagefind"]:
        ratio = cold["sunshine"] / cold["hugo+pagefind"]
        lines.append(f"| cold with search ≤ 1.5 × (Hugo + Pagefind) | {ratio:.2f}× {'met' if ratio <= 1.5 else 'NOT met'} | — |")
    serve = value(figs.get("sunshine", {}), "serve")
    if serve:
        lines.append(f"| serve: save → page on disk ≤ 300 ms | {serve * 1000:.0f} ms {'met' if serve <= 0.3 else 'NOT met'} | — |")
    mine = cold["sunshine-nosearch"]
    for peer, factor in (("pelican", 3.0), ("mkdocs", 3.0), ("eleventy", 1.0)):
        theirs = cold[peer]
        if mine and theirs:
            need = f"≥ {factor:.0f} × faster than {peer}" if factor > 1 else f"faster than {peer}"
            lines.append(f"| cold, pages only, {need} | — | {theirs / mine:.2f}× faster {'met' if theirs / mine >= factor else 'NOT met'} |")
    return "\n".join(lines)


def machine() -> dict[str, Any]:
    info: dict[str, Any] = {
        "date": dt.date.today().isoformat(),
        "cores": os.cpu_count(),
        "python": platform.python_version(),
        "platform": platform.platform(),
        "loadavg_start": os.getloadavg(),
    }
    try:
        mem = Path("/proc/meminfo").read_text().split("\n")[0].split()[1]
        info["memory_gb"] = round(int(mem) / 1024 / 1024)
    except (OSError, IndexError, ValueError):
        pass
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                info["cpu"] = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    node = shutil.which("node")
    if node:
        info["node"] = _version([node, "--version"])
    # The engine measured: the checkout's commit, and whether the working tree had changes.
    head = subprocess.run(["git", "-C", str(REPO), "rev-parse", "--short", "HEAD"], capture_output=True, text=True, check=False)
    dirty = subprocess.run(["git", "-C", str(REPO), "status", "--porcelain", "--untracked-files=no", "--", "sunshine", "templates"],
                           capture_output=True, text=True, check=False)
    if head.returncode == 0:
        info["commit"] = head.stdout.strip() + (" (sunshine/ or templates/ modified)" if dirty.stdout.strip() else "")
    return info


# ---------------------------------------------------------------- main


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description="Sunshine build benchmark (not a test)")
    ap.add_argument("--n", type=int, default=2000, help="records in the corpus (default 2000)")
    ap.add_argument("--runs", type=int, default=3, help="rounds; each figure is the median (default 3)")
    ap.add_argument("--peers", action="store_true", help="also build the same pages with Hugo, Pelican, MkDocs, Eleventy")
    ap.add_argument("--json", type=Path, default=None, help="write the figures to this file")
    ap.add_argument("--keep", action="store_true", help="keep the corpus folder and print where it is")
    ap.add_argument("--seed", type=int, default=C.SEED)
    ap.add_argument("--workdir", type=Path, default=None, help="where to write the corpus (default: a new folder in /dev/shm when it has room, else in the system's temporary folder)")
    ap.add_argument("--no-serve", action="store_true", help="skip the serve measure")
    ap.add_argument("--_serve-probe", nargs=4, help=argparse.SUPPRESS)
    args = ap.parse_args(argv)

    if args._serve_probe:
        root, rel, page, runs = args._serve_probe
        print(json.dumps(serve_probe(Path(root), rel, page, int(runs)), ensure_ascii=False))
        return 0

    # SIGTERM unwinds like Ctrl-C, so running builds are killed rather than orphaned.
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(143))
    py = sys.executable
    info = machine()
    if args.workdir:
        root = args.workdir.resolve()
    else:
        root = Path(tempfile.mkdtemp(prefix="sunshine-bench-", dir=ram_folder(args.n)))
        shutil.rmtree(root)

    def log(msg: str) -> None:
        print(msg, file=sys.stderr, flush=True)

    # As an installed package has: otherwise, with PYTHONDONTWRITEBYTECODE set (as on CI
    # machines), every build process would compile Sunshine's modules again (0.2 s).
    compileall.compile_dir(REPO / "sunshine", quiet=1)
    info["workdir"] = f"{root} ({filesystem(root.parent)})"
    log(f"corpus: N={args.n} seed={args.seed} → {info['workdir']}")
    started = time.perf_counter()
    corpus = C.generate(root, args.n, args.seed, peers=args.peers)
    lo, hi, avg = corpus.bytes_per_page()
    log(f"corpus: {corpus.counts()}, source files {lo}–{hi} bytes (mean {avg:.0f}), written in {time.perf_counter() - started:.1f} s")
    rec = corpus.edit_record
    try:
        tools = sunshine_tools(root, py) + (peer_tools(root) if args.peers else [])
        for round_no in range(1, args.runs + 1):
            log(f"round {round_no}/{args.runs}")
            for tool in tools:
                run_sequence(tool, rec, round_no, log)
            if round_no == 1 and tools[0].failed:
                log("sunshine failed on the generated corpus: stopping")
                print(tools[0].failed)
                return 1
        serve: dict[str, Any] = {"na": "skipped (--no-serve)"}
        if not args.no_serve:
            log("serve: save → page on disk (sunshine.serve.Rebuilder, in-process)")
            serve = run_serve(root, rec, max(5, args.runs), py)  # each save costs little: five of them
            log(f"  serve: {serve.get('na') or [round(t, 3) for t in serve['times']]}")
            if serve.get("title_times"):
                log(f"  serve, title edits: {[round(t, 3) for t in serve['title_times']]}")
            sample = run_serve_sample(max(5, args.runs), py)
            log(f"  serve, sample site: {sample.get('na') or [round(t, 3) for t in sample['times']]}")
        figs = figures(tools, serve)
        if not args.no_serve and "sunshine" in figs:
            figs["sunshine"]["serve_sample"] = (
                {"seconds": statistics.median(sample["times"]), "runs": sample["times"]} if sample.get("times") else {"na": sample.get("na")}
            )
        info["loadavg_end"] = os.getloadavg()
        names = [t.name for t in tools]
        public = sum(1 for r in corpus.records if r.public and not r.scheduled)
        head = (f"N = {args.n} records ({', '.join(f'{k} {v}' for k, v in sorted(corpus.counts().items()))}; "
                f"{public} public), median of {args.runs} run(s), {info['date']}, {info['cores']} cores, "
                f"Python {info['python']}, corpus in {info['workdir']}, commit {info.get('commit', '?')}, load average {info['loadavg_start'][0]:.1f} → {info['loadavg_end'][0]:.1f}")
        print(head)
        print()
        print(table(figs, names))
        print()
        if args.peers:
            print(targets(figs))
            print()
        if "seconds" in figs.get("sunshine", {}).get("serve_sample", {}):
            runs_text = ", ".join(fmt_s(t) for t in figs["sunshine"]["serve_sample"]["runs"])
            print(f"serve on the repository's sample site: save → page on disk {fmt_s(figs['sunshine']['serve_sample']['seconds'])} "
                  f"(median; runs {runs_text}; target ≤ 300 ms)")
        if "serve_na" in figs.get("sunshine", {}):
            print(f"serve: n/a — {figs['sunshine']['serve_na']}")
        for t in tools:
            if t.failed:
                print(f"{t.name}: failed — {t.failed.splitlines()[0]}")
        print("versions: " + "; ".join(f"{t.name}: {t.version}" for t in tools if t.version and t.name != "sunshine-nosearch"))
        if args.json:
            args.json.write_text(json.dumps({
                "n": args.n, "runs": args.runs, "seed": args.seed, "machine": info, "counts": corpus.counts(),
                "public_records": public, "page_bytes": {"min": lo, "max": hi, "mean": avg},
                "edit_record": rec.rel, "tools": figs,
            }, ensure_ascii=False, indent=2) + "\n", encoding="utf-8")
            log(f"figures written to {args.json}")
    finally:
        if args.keep:
            log(f"corpus kept in {root}")
        else:
            shutil.rmtree(root, ignore_errors=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
