"""Stage 1, load: read config.yaml and every file under content/ into Sources.

Content layout: ``content/<kind folder>/NAME.md`` (front matter + Markdown),
``NAME.yaml`` (a whole record, Markdown in ``body``) or ``NAME/index.md`` (a folder
record whose other files are attachments). Reading problems (encoding, YAML,
size, links leaving the folder, names that clash on case-insensitive disks) are
collected, never raised.
"""

from __future__ import annotations

import os
from pathlib import Path

from .config import load_config
from .forkmap import fork_map
from .history import load_history
from .kinds import KINDS, kind_for_folder
from .problems import Problem, Problems
from .site import BuildOptions, Site, Source
from .yamlcache import YamlCache
from .yamlsrc import SourceError, YamlDoc, decode_text, split_front_matter

__all__ = ["load_site", "read_source"]

CONTENT = "content"
RECORD_SUFFIXES = (".md", ".yaml", ".yml")
PARALLEL_MIN = 1000  # below this many files, forking costs more than it saves


def load_site(options: BuildOptions, yaml: YamlCache | None = None) -> Site:
    """Read the config and all content files; problems go to ``site.problems``.

    ``yaml`` keeps parsed front matter between builds (by default in ``.cache/yaml.json``).
    """
    if yaml is None:
        yaml = YamlCache(options.root / ".cache" / "yaml.json" if options.cache else None)
    site = Site(options=options, problems=Problems(strict=options.strict))
    site.config = load_config(options.root, site.problems)
    if site.config is None:
        return site
    content = options.root / CONTENT
    if not content.is_dir():
        site.problems.add(CONTENT, 0, "", "找不到 content 文件夹", "请创建 content/notices 等文件夹", code="no-content")
        return site
    limit = site.config.site.max_file_kb * 1024
    files = _record_files(options.root, content, site.problems)
    # Parsing is the cost worth spreading; front matter parsed before (the preview server's
    # memory, or most of it in the cache file) is quicker to take here than to send back.
    if len(files) < PARALLEL_MIN or yaml.memory or 2 * len(yaml.stored) >= len(files):
        for path, kind, folder in files:
            source = read_source(options.root, path, kind, folder, limit, site.problems, yaml)
            if source is not None:
                site.sources.append(source)
    else:
        _read_in_parallel(site, files, limit, yaml)
    yaml.save()
    if options.history:
        site.history = load_history(options.root)
    return site


Read = tuple[Source | None, list[Problem], str, list[str] | None, bool, bool]


def _read_in_parallel(site: Site, files: list[tuple[Path, str, bool]], limit: int, yaml: YamlCache) -> None:
    """``read_source`` for every file across all cores (:func:`sunshine.forkmap.fork_map`),
    its problems and cache entries taken in, in the order of ``files``."""
    root = site.options.root

    def read(item: tuple[Path, str, bool]) -> Read:
        problems = Problems(strict=site.problems.strict)
        yaml.last, hits = "", yaml.hits
        source = read_source(root, item[0], item[1], item[2], limit, problems, yaml)
        hit, yaml.hits = yaml.hits > hits, hits  # counted below, wherever this ran
        return source, problems.items, yaml.last, yaml.used.get(yaml.last), hit, item[0].suffix == ".md"

    for source, problems, key, entry, hit, whole in fork_map(read, files, site.options.workers, PARALLEL_MIN):
        site.problems.items.extend(problems)
        if entry is not None:
            # a Markdown record's front matter is its whole document; a YAML record's lost its body
            yaml.adopt(key, entry, hit, YamlDoc(dict(source.doc.data), dict(source.doc.lines)) if whole and source else None)
        if source is not None:
            site.sources.append(source)


def _rel(root: Path, path: Path) -> str:
    r, p = str(root), str(path)
    if p.startswith(r) and p[len(r) : len(r) + 1] == os.sep:  # what relative_to gives, at a tenth of its cost
        return p[len(r) + 1 :].replace(os.sep, "/")
    return path.relative_to(root).as_posix()


def _record_files(root: Path, content: Path, problems: Problems) -> list[tuple[Path, str, bool]]:
    """(path, kind, is_folder_record) for every record file, sorted by path."""
    found: list[tuple[Path, str, bool]] = []
    lowered: dict[str, str] = {}
    for dirpath, dirnames, filenames in os.walk(content):
        dirnames[:] = sorted(d for d in dirnames if not d.startswith((".", "_")))
        here = Path(dirpath)
        rel_here = _rel(root, here)
        links: set[str] = set()
        for name in sorted(dirnames) + sorted(filenames):
            if name.startswith((".", "_")):
                continue
            rel = f"{rel_here}/{name}"
            if rel.lower() in lowered and lowered[rel.lower()] != rel:
                problems.add(rel, 0, "", f"文件名与“{lowered[rel.lower()]}”只差大小写", "在不区分大小写的服务器上会冲突，请改名", code="case-clash")
            lowered.setdefault(rel.lower(), rel)
            if os.path.islink(os.path.join(dirpath, name)):
                links.add(name)
                target = os.path.realpath(here / name)
                if not target.startswith(str(content.resolve()) + os.sep):
                    problems.add(rel, 0, "", "符号链接指向 content 文件夹以外", "请把文件复制进来，不要用链接", code="symlink")
                    if name in dirnames:
                        dirnames.remove(name)
                    continue
        parts = here.relative_to(content).parts
        if not parts:
            for name in sorted(filenames):
                if not name.startswith((".", "_")):
                    problems.add(f"{CONTENT}/{name}", 0, "", "content 根目录下的文件不会被发布", f"请放到 {'、'.join(k.FOLDER for k in KINDS.values())} 文件夹中", code="stray-file", severity="warning")
            unknown = [d for d in dirnames if kind_for_folder(d) is None]
            for d in unknown:
                problems.add(f"{CONTENT}/{d}", 0, "", f"未知的内容文件夹“{d}”", f"可用：{'、'.join(k.FOLDER for k in KINDS.values())}", code="unknown-folder")
                dirnames.remove(d)
            continue
        kind = kind_for_folder(parts[0])
        assert kind is not None
        if len(parts) == 1:
            for name in sorted(filenames):
                if name.startswith((".", "_")) or (name in links and not _inside(here / name, content)):
                    continue
                if name.endswith(RECORD_SUFFIXES):
                    found.append((here / name, kind, False))
                else:
                    problems.add(f"{rel_here}/{name}", 0, "", "不是 .md 或 .yaml 文件", "附件请放进记录自己的文件夹（NAME/index.md 旁边）", code="stray-file", severity="warning")
        elif len(parts) == 2:
            if os.path.isfile(os.path.join(dirpath, "index.md")):
                found.append((here / "index.md", kind, True))
            else:
                problems.add(rel_here, 0, "", "文件夹记录缺少 index.md", "在文件夹中创建 index.md", code="no-index")
            dirnames[:] = []
    return found


def _inside(path: Path, folder: Path) -> bool:
    return os.path.realpath(path).startswith(str(folder.resolve()) + os.sep)


def read_source(
    root: Path, path: Path, kind: str, folder: bool, limit: int, problems: Problems, yaml: YamlCache
) -> Source | None:
    rel = _rel(root, path)
    try:
        with open(path, "rb") as stream:
            size = os.fstat(stream.fileno()).st_size
            raw = stream.read() if size <= limit else b""
    except OSError as exc:
        problems.add(rel, 0, "", f"无法读取文件（{exc.strerror or exc}）", "请检查文件的读取权限，或关闭正在占用它的程序后重试", code="unreadable")
        return None
    if size > limit:
        problems.add(rel, 0, "", f"文件过大（{size // 1024} KB，上限 {limit // 1024} KB）", "请精简内容，或把大文件作为附件；上限可在 config.yaml 的 site.max_file_kb 调整", code="too-large")
        return None
    try:
        text = decode_text(raw).text
        if path.suffix == ".md":
            yaml_text, body, body_line = split_front_matter(text)
            doc = yaml.load(yaml_text, first_line=2)
        else:
            doc = yaml.load(text)
            body_value = doc.data.pop("body", "")
            body_line = doc.lines.get("body", 1) + 1
            if body_value is None:
                body_value = ""
            if not isinstance(body_value, str):
                raise SourceError(body_line - 1, "body 应为 Markdown 文字", "写成“body: |”，下一行起缩进书写正文", "type", "body")
            body = body_value
    except SourceError as exc:
        problems.add(rel, exc.line, exc.field, exc.message, exc.hint, code=exc.code)
        return None
    return Source(rel, kind, doc, body, body_line, folder)
