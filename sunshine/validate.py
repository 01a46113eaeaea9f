"""Stage 2, validate: check every source against its kind's schema and the config.

Turns Sources into Records (keyed by source path), checks rules across records
(duplicate index numbers, corrections that point nowhere, attachments) and gives
a record without an index number a deterministic provisional one (a warning, an
error under ``--strict``). Every problem is collected.
"""

from __future__ import annotations

import hashlib
import re
import unicodedata
from pathlib import Path, PurePosixPath

from .kinds import KINDS
from .kinds.common import check_common, to_aware
from .problems import suggest
from .schema import validate_doc
from .site import Attachment, Record, Site, Source

__all__ = ["file_digest", "make_record", "slugify", "validate_site"]


def validate_site(site: Site) -> None:
    """Fill ``site.records`` and ``site.by_index``; add problems."""
    for source in site.sources:
        record = make_record(site, source)
        if record is not None:
            site.records[record.key] = record
    for record in site.records.values():
        check_common(record, site, site.problems)
        KINDS[record.kind].check(record, site, site.problems)
        _check_attachments(site, record)
    _index_numbers(site)
    _corrections(site)


def make_record(site: Site, source: Source) -> Record | None:
    kind = KINDS[source.kind]
    fields, problems = validate_doc(kind.Fields, source.doc, source.path)
    site.problems.extend(problems)
    if fields is None:
        return None
    tz = site.tz
    date = to_aware(fields.date, tz)
    publish_at = to_aware(fields.publish_at, tz) if fields.publish_at is not None else date
    return Record(
        key=source.path,
        kind=source.kind,
        fields=fields,
        body=source.body,
        body_line=source.body_line,
        lines=source.doc.lines,
        slug=fields.slug or slugify(_stem(source)),
        date=date,
        publish_at=publish_at,
        index_no=fields.index_no or "",
    )


def _stem(source: Source) -> str:
    path = PurePosixPath(source.path)
    return path.parent.name if source.folder else path.stem


def slugify(name: str) -> str:
    """A URL name: Chinese becomes pinyin, everything lower-case ASCII with hyphens.

    >>> slugify("2020年 党费公示")
    '2020-nian-dang-fei-gong-shi'
    """
    if name.isascii():  # nothing to transliterate: spare loading the pinyin dictionary
        words = [name]
    else:
        from pypinyin import lazy_pinyin  # about 0.3 s to load, so only when needed

        words = lazy_pinyin(
            name, errors=lambda chars: unicodedata.normalize("NFKD", chars).encode("ascii", "ignore").decode()
        )
    text = "-".join(w for w in words if w)
    text = re.sub(r"[^a-z0-9]+", "-", text.lower()).strip("-")
    return text or "record"


def _check_attachments(site: Site, record: Record) -> None:
    refs = record.fields.attachments
    if not refs:
        return
    source = PurePosixPath(record.key)
    if source.name != "index.md":
        site.problems.add(record.key, record.line_of("attachments"), "attachments", "只有文件夹记录才能带附件", "把记录改为 NAME/index.md，附件放在同一文件夹", code="attachment")
        return
    folder = (site.options.root / source.parent).resolve()
    for i, ref in enumerate(refs):
        field = f"attachments[{i}].file"
        target = (folder / ref.file).resolve()
        if folder not in target.parents or "/" in ref.file or "\\" in ref.file:
            site.problems.add(record.key, record.line_of(field), field, f"附件路径“{ref.file}”超出了记录文件夹", "附件只能是同一文件夹中的文件名", code="attachment-path")
        elif not target.is_file():
            site.problems.add(record.key, record.line_of(field), field, f"找不到附件“{ref.file}”", "请把文件放到 index.md 旁边，并核对文件名", code="attachment-missing")
        else:
            try:
                size, digest = file_digest(target)
            except OSError as exc:
                site.problems.add(record.key, record.line_of(field), field, f"无法读取附件“{ref.file}”（{exc.strerror or exc}）", "请检查文件的读取权限，或关闭正在占用它的程序后重试", code="unreadable")
                continue
            record.attachments.append(Attachment(ref.file, ref.title or ref.file, size, digest, str(source.parent / ref.file)))


def file_digest(path: Path) -> tuple[int, str]:
    """Size and SHA-256 of a file, read in pieces (an attachment may be large)."""
    h = hashlib.sha256()
    size = 0
    with open(path, "rb") as f:
        while chunk := f.read(1 << 20):
            h.update(chunk)
            size += len(chunk)
    return size, h.hexdigest()


def _index_numbers(site: Site) -> None:
    owners: dict[str, list[Record]] = {}
    for record in site.records.values():
        if record.index_no:
            owners.setdefault(record.index_no, []).append(record)
    for number, records in sorted(owners.items()):
        if len(records) > 1:
            first, *rest = records
            for other in rest:
                site.problems.add(other.key, other.line_of("index_no"), "index_no", f"索引号“{number}”与 {first.key} 重复", "索引号必须唯一：用 python build.py new 分配新号", code="duplicate-index")
        site.by_index[number] = records[0].key
    used: dict[tuple[str, int], int] = {}
    for number in owners:
        code, year, serial = number.split("-")
        used[(code, int(year))] = max(used.get((code, int(year)), 0), int(serial))
    org_codes = {o.id: o.code for o in site.cfg.orgs}
    for record in sorted(site.records.values(), key=lambda r: r.key):
        if record.index_no or record.org not in org_codes:
            continue
        key = (org_codes[record.org], record.date.year)
        used[key] = used.get(key, 0) + 1
        record.index_no = f"{key[0]}-{key[1]}-{used[key]:04d}"
        record.provisional_index = True
        site.by_index[record.index_no] = record.key
        site.problems.add(record.key, record.line_of("title"), "index_no", "缺少索引号", f"已临时编为 {record.index_no}；请写入“index_no: {record.index_no}”，以后不再改动", code="missing-index", severity="warning")


def _corrections(site: Site) -> None:
    for record in site.records.values():
        refs = [(f"closes[{i}]", ref) for i, ref in enumerate(record.fields.closes)]
        refs += [
            (f"tasks[{t}].closes[{i}]", ref)
            for t, task in enumerate(getattr(record.fields, "tasks", ()))
            for i, ref in enumerate(task.closes)
        ]
        for field, ref in refs:
            number, _, org = ref.partition("#")
            target = site.records.get(site.by_index.get(number, ""))
            if target is None or target.kind != "rating":
                site.problems.add(record.key, record.line_of(field), field, f"找不到索引号为“{number}”的考评记录", "写成 考评索引号#组织编号，如 QXZ-2020-0006#beiwu", code="unknown-index")
            elif org not in {s.org for s in target.fields.subjects}:
                site.problems.add(record.key, record.line_of(field), field, f"组织“{org}”不在考评 {number} 中", suggest(org, [s.org for s in target.fields.subjects]), code="unknown-org")
        target = record.fields.corrects
        if target is None:
            continue
        if target not in site.by_index:
            site.problems.add(record.key, record.line_of("corrects"), "corrects", f"找不到索引号为“{target}”的记录", "请核对被更正记录的索引号", code="unknown-index")
        elif site.by_index[target] == record.key:
            site.problems.add(record.key, record.line_of("corrects"), "corrects", "记录不能更正自己", "填写被更正记录的索引号", code="self-correct")

