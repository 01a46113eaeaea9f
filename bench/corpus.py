"""Deterministic benchmark corpus: a Sunshine site of N records, and the same pages for peers.

    python bench/corpus.py --n 200 --out /tmp/corpus [--seed 20200615] [--no-peers]

writes into OUT:

- ``sunshine/``: a valid Sunshine site (config.yaml with the town committee, 30 branches
  with unique index-number codes, four official contacts; ``content/notices`` 70 %,
  ``plans`` 20 %, ``ratings`` 5 %, ``pages`` the rest), every record dated 2018-01-02 …
  2020-06-10 with a unique index number per organisation and year, most ``scope: public``,
  some ``party`` or ``restricted``, a few withdrawn, gone, corrected or scheduled. It also
  carries ``templates/kinds/notice.html``, a copy of the default theme's template, so the
  benchmark can edit a template without touching the repository.
- ``hugo/``, ``pelican/``, ``mkdocs/``, ``eleventy/``: the same pages (title, date,
  Markdown body, and the record's tables written as Markdown tables) laid out for Hugo,
  Pelican, MkDocs and Eleventy with minimal configuration and layouts.

Pages are 3–6 KB of Chinese Markdown (UTF-8) with ``## 一、`` and ``### （一）``
headings, lists and paragraphs; one page in five has a table. The text is built from
``bench/words.py`` with ``random.Random(seed)``, so the same N and seed give the same
bytes. No personal data: people are 张某某-style, the only phone numbers are the config
contacts' landlines and they appear only in config.yaml.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import random
import shutil
import sys
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml

sys.path.insert(0, str(Path(__file__).resolve().parent))
import words as W

REPO = Path(__file__).resolve().parent.parent
SEED = 20200615
FIRST_DAY = dt.date(2018, 1, 2)
LAST_DAY = dt.date(2020, 6, 10)
NOTICE_TYPES = [  # (type, weight)
    ("一般公告", 46), ("发展对象公示", 13), ("预备党员转正公示", 10), ("任前公示", 6),
    ("换届选举公告", 5), ("党费收缴公示", 12), ("经费公开", 8),
]
FOLDERS = {"notice": "notices", "plan": "plans", "rating": "ratings", "page": "pages"}
EDIT_MARK = "<!-- bench-edit -->"


@dataclass
class Rec:
    kind: str
    name: str
    org: str
    date: dt.date
    title: str = ""
    fm: dict[str, Any] = field(default_factory=dict)
    body: str = ""
    peer_body: str = ""  # body without record links, plus the record's tables in Markdown
    public: bool = True
    active: bool = True  # public, not withdrawn/gone/scheduled: may be a link target
    scheduled: bool = False

    @property
    def folder(self) -> str:
        return FOLDERS[self.kind]

    @property
    def suffix(self) -> str:
        return ".yaml" if self.kind == "rating" else ".md"

    @property
    def rel(self) -> str:
        return f"content/{self.folder}/{self.name}{self.suffix}"


@dataclass
class Corpus:
    root: Path
    n: int
    seed: int
    records: list[Rec]
    edit_record: Rec  # a public, active, published notice: the one-record edit target

    def counts(self) -> dict[str, int]:
        out: dict[str, int] = {}
        for r in self.records:
            out[r.kind] = out.get(r.kind, 0) + 1
        return out

    def bytes_per_page(self) -> tuple[int, int, float]:
        sizes = [(self.root / "sunshine" / r.rel).stat().st_size for r in self.records]
        return min(sizes), max(sizes), sum(sizes) / len(sizes)


# ---------------------------------------------------------------- text


def cn_num(n: int) -> str:
    """1..99 in Chinese numerals: 一, 十, 十一, 二十三."""
    digits = "零一二三四五六七八九"
    if n < 10:
        return digits[n]
    tens, ones = divmod(n, 10)
    return ("" if tens == 1 else digits[tens]) + "十" + (digits[ones] if ones else "")


class Prose:
    """Sentences, paragraphs and Markdown blocks from the word lists."""

    def __init__(self, rng: random.Random) -> None:
        self.r = rng

    def c(self, items: list[str]) -> str:
        return self.r.choice(items)

    def sentence(self) -> str:
        r, c = self.r, self.c
        kind = r.randrange(6)
        if kind == 0:
            return f"{c(W.TIMES)}，{c(W.SUBJECTS)}{c(W.MANNERS)}，{c(W.ACTIONS)}，{c(W.PURPOSES)}。"
        if kind == 1:
            return f"{c(W.SUBJECTS)}要{c(W.ACTIONS)}，做到{c(W.PAIRS)}，{c(W.PURPOSES)}。"
        if kind == 2:
            a = c(W.RESULTS).format(n=r.randint(3, 260))
            b = c(W.RESULTS).format(n=r.randint(2, 90))
            return f"{c(W.TIMES)}，{c(W.SUBJECTS)}{c(W.ACTIONS)}，{a}，{b}。"
        if kind == 3:
            return f"要把{c(W.TOPICS)}作为{c(['重要抓手', '重点工作', '基础工程', '经常性工作'])}，{c(W.MANNERS)}，{c(W.PURPOSES)}。"
        if kind == 4:
            return f"针对{c(W.PROBLEMS)}，{c(W.SUBJECTS)}要{c(W.FIXES)}，{c(W.PURPOSES)}。"
        return f"{c(W.SUBJECTS)}{c(W.MANNERS)}，{c(W.ACTIONS)}和{c(W.ACTIONS)}，{c(W.PURPOSES)}。"

    def paragraph(self, lo: int = 2, hi: int = 4) -> str:
        return "".join(self.sentence() for _ in range(self.r.randint(lo, hi)))

    def listing(self) -> str:
        if self.r.random() < 0.5:
            heads = self.r.sample(W.LIST_HEADS, self.r.randint(3, 5))
            return "\n".join(f"{i}. **{h}。** {self.sentence()}" for i, h in enumerate(heads, 1))
        return "\n".join(f"- {self.sentence()}" for _ in range(self.r.randint(3, 5)))

    def table(self, year: int) -> str:
        rows = ["| 序号 | 工作内容 | 责任单位 | 完成时限 |", "| --- | --- | --- | --- |"]
        for i in range(1, self.r.randint(4, 8) + 1):
            month = self.r.randint(1, 12)
            rows.append(f"| {i} | {self.c(W.ACTIONS)} | {self.c(W.OWNERS)} | {year}年{month}月底前 |")
        return "\n".join(rows)

    def body(self, target: int, with_table: bool, year: int) -> str:
        """Markdown of about ``target`` UTF-8 bytes: intro, 一、 sections with （一） parts."""
        blocks = [self.paragraph(2, 3)]
        size = len(blocks[0].encode())
        section = sub = 0
        table_at = None
        while size < target:
            section += 1
            blocks.append(f"## {cn_num(section)}、{self.c(W.SECTIONS)}")
            for _ in range(self.r.randint(1, 3)):
                sub += 1
                blocks.append(f"### （{cn_num(sub)}）{self.c(W.SUBSECTIONS)}")
                blocks.append(self.paragraph())
                if self.r.random() < 0.3:
                    blocks.append(self.listing())
                size = sum(len(b.encode()) + 2 for b in blocks)
                if size >= target:
                    break
            if with_table and table_at is None and section >= 2:
                table_at = len(blocks)
                blocks.append(self.table(year))
                size = sum(len(b.encode()) + 2 for b in blocks)
        if with_table and table_at is None:
            blocks.append(self.table(year))
        return "\n\n".join(blocks) + "\n"


# ---------------------------------------------------------------- records


def _person_name(rng: random.Random) -> str:
    return rng.choice(W.SURNAMES) + rng.choice(["某某", "某"])


def _month(d: dt.date) -> str:
    return f"{d.year:04d}-{d.month:02d}"


def _quarter_before(d: dt.date) -> tuple[int, int]:
    q = (d.month - 1) // 3  # the quarter that ended before d's quarter
    return (d.year - 1, 4) if q == 0 else (d.year, q)


def _cents(x: int) -> float:
    return round(x / 100, 2)


class Generator:
    def __init__(self, n: int, seed: int) -> None:
        self.n = n
        self.r = random.Random(seed)
        self.p = Prose(self.r)
        self.branch_ids = [b[0] for b in W.BRANCHES]
        self.short = {b[0]: f"{b[1]}党支部" for b in W.BRANCHES}
        self.short["town"] = "镇党委"
        self.codes = {"town": W.TOWN[3], **W.BRANCH_CODES}
        # Six fixed groups of branches rated together (a rating series each).
        ids = self.branch_ids
        self.groups = [ids[0:12], ids[12:21], ids[21:25] + ids[25:30], ids[0:21], ids[21:30], ids]

    def day(self) -> dt.date:
        span = (LAST_DAY - FIRST_DAY).days
        return FIRST_DAY + dt.timedelta(days=self.r.randint(0, span))

    def kinds(self) -> list[str]:
        n = self.n
        notices, plans, ratings = round(n * 0.70), round(n * 0.20), round(n * 0.05)
        pages = max(1, n - notices - plans - ratings)
        notices = n - plans - ratings - pages
        out = ["notice"] * notices + ["plan"] * plans + ["rating"] * ratings + ["page"] * pages
        self.r.shuffle(out)
        return out

    def records(self) -> list[Rec]:
        recs: list[Rec] = []
        for i, kind in enumerate(self.kinds()):
            date = self.day()
            org = "town" if kind in ("rating", "page") or self.r.random() < 0.2 else self.r.choice(self.branch_ids)
            recs.append(Rec(kind, f"{date.isoformat()}-{kind}-{i:05d}", org, date))
        recs.sort(key=lambda r: (r.date, r.name))
        counters: dict[tuple[str, int], int] = {}
        nav = 0
        for rec in recs:
            key = (self.codes[rec.org], rec.date.year)
            counters[key] = counters.get(key, 0) + 1
            if counters[key] > 9999:
                raise SystemExit(f"corpus: more than 9999 records for {key}; use a smaller N")
            common = self.common(rec, f"{key[0]}-{key[1]}-{counters[key]:04d}")
            extra_md = getattr(self, rec.kind)(rec, common)
            if rec.kind == "page" and nav < 3:
                nav += 1
                rec.fm["nav"] = 40 + nav * 10
            rec.peer_body = rec.body + ("\n" + extra_md if extra_md else "")
        self.cross_links(recs)
        return recs

    def common(self, rec: Rec, index_no: str) -> dict[str, Any]:
        r = self.r
        roll = r.random()
        scope = "public" if roll < 0.90 else ("party" if roll < 0.985 else "restricted")
        rec.public = scope == "public"
        fm: dict[str, Any] = {"title": "", "org": rec.org, "date": rec.date, "scope": scope}
        if rec.kind != "page" or r.random() < 0.5:
            fm["category"] = r.choice(W.CATEGORIES)
        fm["index_no"] = index_no
        if rec.kind in ("plan", "rating") and r.random() < 0.6:
            fm["doc_no"] = f"青{r.choice(['委', '组', '纪'])}〔{rec.date.year}〕{r.randint(1, 60)}号"
            fm["written"] = rec.date - dt.timedelta(days=r.randint(0, 5))
        roll = r.random()
        if roll < 0.008:
            fm["status"] = "withdrawn"
            fm["withdrawn_reason"] = f"因{r.choice(W.TOPICS)}工作安排调整，本{'公告' if rec.kind == 'notice' else '文件'}撤回，另行发布。"
            fm["withdrawn_on"] = rec.date + dt.timedelta(days=r.randint(1, 10))
            rec.active = False
        elif roll < 0.010:
            fm["status"] = "gone"
            fm["withdrawn_reason"] = "发布错误，已删除。"
            rec.active = False
        elif roll < 0.013 and rec.date > dt.date(2020, 6, 1):
            fm["publish_at"] = dt.datetime(2020, 6, 20, 9, 0)  # scheduled: not yet public on 2020-06-15
            rec.active = False
            rec.scheduled = True
        fm["summary"] = ""
        if r.random() < 0.5:
            fm["tags"] = r.sample(W.TOPICS, r.randint(1, 3))
        fm["approval"] = {
            "proposed_by": r.choice(W.OWNERS[:3]) if rec.org == "town" else f"{self.short[rec.org]}支委会",
            "reviewed_by": r.choice(["镇党委组织委员", "镇党委办公室", "镇纪委"]),
            "approved_by": "镇党委" if rec.org == "town" else f"{self.short[rec.org]}党员大会",
            "approved_on": rec.date - dt.timedelta(days=r.randint(0, 4)),
            "secrecy_review": True,
        }
        rec.fm = fm
        return fm

    def finish(self, rec: Rec, title: str, summary: str, extra: dict[str, Any], body_extra: int = 0) -> None:
        rec.title = title
        rec.fm["title"] = title
        rec.fm["summary"] = summary
        rec.fm.update(extra)
        head = len(_dump(rec.fm).encode())
        target = max(1800, self.r.randint(3000, 5600) - head - body_extra)
        rec.body = self.p.body(target, self.r.randrange(5) == 0, rec.date.year)

    # --- kinds; each returns the record's own tables as Markdown, for the peers

    def notice(self, rec: Rec, fm: dict[str, Any]) -> str:
        r, org = self.r, self.short[rec.org]
        ntype = r.choices([t for t, _ in NOTICE_TYPES], [w for _, w in NOTICE_TYPES])[0]
        extra: dict[str, Any] = {"type": ntype}
        start = rec.date
        if ntype in ("发展对象公示", "预备党员转正公示", "任前公示"):
            extra["period"] = {"start": start, "working_days": r.choice([5, 5, 7])}
        else:
            extra["period"] = {"start": start, "end": start + dt.timedelta(days=r.randint(4, 14))}
        extra["contact"] = r.choice([c[0] for c in W.CONTACTS])
        md = ""
        branch = rec.org if rec.org != "town" else None
        if ntype in ("发展对象公示", "预备党员转正公示", "任前公示", "换届选举公告"):
            seats = r.choice([3, 5, 7]) if ntype == "换届选举公告" else 0
            k = seats + r.choice([0, 1, 2]) if seats else r.randint(1, 6)
            people = []
            for _ in range(k):
                birth = dt.date(r.randint(1965, 1996), r.randint(1, 12), 1)
                p: dict[str, Any] = {"name": _person_name(r), "gender": r.choice(["男", "女"]), "birth": _month(birth),
                                     "ethnicity": r.choice(W.ETHNICITY), "education": r.choice(W.EDUCATION)}
                if branch or ntype != "换届选举公告":
                    p["branch"] = branch or r.choice(self.branch_ids)
                if ntype == "发展对象公示":
                    applied = start - dt.timedelta(days=r.randint(700, 1400))
                    p["applied"] = applied
                    p["activist"] = applied + dt.timedelta(days=r.randint(90, 300))
                    p["candidate"] = start - dt.timedelta(days=r.randint(5, 40))
                    p["introducers"] = [_person_name(r), _person_name(r)]
                elif ntype == "预备党员转正公示":
                    p["admitted"] = start - dt.timedelta(days=r.randint(365, 380))
                else:
                    p["current_post"] = r.choice(W.POSTS_NOW)
                    if ntype == "任前公示":
                        p["post"] = r.choice(W.POSTS_NEXT)
                people.append(p)
            extra["people"] = people
            if seats:
                extra["election"] = {"date": start + dt.timedelta(days=r.randint(10, 25)), "place": r.choice(W.PLACES), "seats": seats}
            cols = [c for c in ("gender", "birth", "education", "applied", "activist", "admitted", "current_post", "post") if c in people[0]]
            md = "| 姓名 | " + " | ".join(cols) + " |\n| --- |" + " --- |" * len(cols) + "\n"
            md += "\n".join("| " + p["name"] + " | " + " | ".join(str(p[c]) for c in cols) + " |" for p in people) + "\n"
            names = people[0]["name"]
            if ntype == "发展对象公示":
                title = f"关于{names}等{k}名同志拟列为发展对象的公示" if k > 1 else f"关于{names}同志拟列为发展对象的公示"
            elif ntype == "预备党员转正公示":
                title = f"{org}关于{names}等{k}名预备党员拟按期转正的公示"
            elif ntype == "任前公示":
                title = f"{org}干部任前公示（{rec.date.year}年第{r.randint(1, 6)}批）"
            else:
                title = f"关于召开{org}党员大会进行换届选举的公告"
            summary = f"{org}{ntype}，公示对象{k}名。"
        elif ntype in ("党费收缴公示", "经费公开"):
            if ntype == "党费收缴公示":
                y, q = _quarter_before(rec.date)
                if rec.org == "town":
                    items = [self.short[b] for b in r.sample(self.branch_ids, r.randint(8, 14))]
                else:
                    items = [f"第{m}个月党费" for m in ("一", "二", "三")]
                title = f"{org}{y}年第{cn_num(q)}季度党费收缴情况公示"
            else:
                items = r.sample(["党员教育培训", "党建阵地维护", "困难党员慰问", "主题党日活动", "订阅党报党刊", "先进表彰", "党建宣传资料"], r.randint(3, 6))
                title = f"{org}{rec.date.year - 1}年度党建工作经费使用情况公开"
            cents = [r.randint(30000, 900000) for _ in items]
            amounts: list[dict[str, Any]] = [{"item": it, "amount": _cents(c)} for it, c in zip(items, cents, strict=True)]
            if r.random() < 0.2:
                amounts[0]["note"] = "含补缴"
            extra["amounts"] = amounts
            extra["total"] = _cents(sum(cents))
            md = "| 项目 | 金额（元） |\n| --- | --- |\n" + "\n".join(f"| {a['item']} | {a['amount']:.2f} |" for a in amounts)
            md += f"\n| 合计 | {sum(cents) / 100:.2f} |\n"
            summary = f"{title}，合计{sum(cents) / 100:.2f}元。"
        else:
            topic = r.choice(W.TOPICS)
            title = f"关于开展{rec.date.year}年{topic}工作的公告" if r.random() < 0.6 else f"{org}关于{topic}有关事项的公告"
            summary = f"{org}部署{topic}有关工作。"
        self.finish(rec, title, summary, extra, len(md.encode()))
        return md

    def plan(self, rec: Rec, fm: dict[str, Any]) -> str:
        r, org = self.r, self.short[rec.org]
        topic = r.choice(W.TOPICS)
        title = r.choice([f"{org}{rec.date.year}年党建工作要点", f"{org}{rec.date.year}年{topic}工作计划", f"{org}{rec.date.year}年{topic}实施方案"])
        tasks = []
        for no in range(1, r.randint(4, 10) + 1):
            t: dict[str, Any] = {"no": no, "title": r.choice(W.ACTIONS), "owner": r.choice(W.OWNERS),
                                 "deadline": dt.date(rec.date.year, r.randint(1, 12), 28),
                                 "status": r.choice(["planned", "in_progress", "done", "done", "delayed"])}
            if r.random() < 0.2:
                t["note"] = f"{r.choice(W.RESULTS).format(n=r.randint(2, 40))}"
            tasks.append(t)
        extra = {"year": rec.date.year, "tasks": tasks}
        md = "| 序号 | 任务 | 责任单位 | 完成时限 | 进度 |\n| --- | --- | --- | --- | --- |\n"
        md += "\n".join(f"| {t['no']} | {t['title']} | {t['owner']} | {t['deadline']} | {t['status']} |" for t in tasks) + "\n"
        self.finish(rec, title, f"{org}{rec.date.year}年{topic}等工作安排。", extra, len(md.encode()))
        return md

    def rating(self, rec: Rec, fm: dict[str, Any]) -> str:
        r = self.r
        method = r.choices(["每季互评", "年底考评", "领导点评"], [6, 2, 2])[0]
        if method == "每季互评":
            y, q = _quarter_before(rec.date)
            period, label = f"{y}-Q{q}", f"{y}年第{cn_num(q)}季度"
        elif method == "年底考评":
            period, label = f"{rec.date.year - 1}", f"{rec.date.year - 1}年度"
        else:
            y, h = (rec.date.year, 1) if rec.date.month > 6 else (rec.date.year - 1, 2)
            period, label = f"{y}-H{h}", f"{y}年{'上' if h == 1 else '下'}半年"
        g = r.randrange(len(self.groups))
        subjects_ids = sorted(r.sample(self.groups[g], min(len(self.groups[g]), r.randint(8, 15))))
        criteria = [
            {"id": "organization", "name": "组织建设", "max": 30, "description": "三会一课、主题党日、党员管理"},
            {"id": "study", "name": "学习教育", "max": 20},
            {"id": "service", "name": "服务群众", "max": 30},
            {"id": "conduct", "name": "党风廉政", "max": 10},
            {"id": "openness", "name": "党务公开", "max": 10},
        ]
        subjects = []
        for sid in subjects_ids:
            scores = {c["id"]: r.randint(int(c["max"] * 1.2), c["max"] * 2) / 2 for c in criteria}
            s: dict[str, Any] = {"org": sid, "scores": scores}
            if r.random() < 0.3:
                s["comment"] = self.p.sentence()
            subjects.append(s)
        slug = {"每季互评": "quarterly", "年底考评": "annual", "领导点评": "review"}[method]
        extra: dict[str, Any] = {"period": period, "method": method, "series": f"group{g + 1}-{slug}", "criteria": criteria, "subjects": subjects}
        if r.random() < 0.5:
            extra["followup"] = {"action": "约谈支部书记，限期一个月整改", "deadline": rec.date + dt.timedelta(days=30)}
        md = "| 党支部 | " + " | ".join(c["name"] for c in criteria) + " | 总分 |\n| --- |" + " --- |" * (len(criteria) + 1) + "\n"
        md += "\n".join(
            f"| {self.short[s['org']]} | " + " | ".join(f"{s['scores'][c['id']]:g}" for c in criteria) + f" | {sum(s['scores'].values()):g} |"
            for s in subjects
        ) + "\n"
        title = f"{label}各党支部党建工作{method}结果通报（第{g + 1}组）"
        self.finish(rec, title, f"{label}{len(subjects)}个党支部{method}得分和排名。", extra, len(md.encode()))
        return md

    def page(self, rec: Rec, fm: dict[str, Any]) -> str:
        topic = self.r.choice(W.TOPICS)
        title = self.r.choice([f"{topic}工作指南", f"{topic}政策解读", f"{topic}常见问题解答", f"{topic}办事流程"])
        self.finish(rec, f"{title}（{rec.date.year}年版）", f"{topic}有关事项说明。", {})
        return ""

    def cross_links(self, recs: list[Rec]) -> None:
        """About one record in ten links to an earlier public, active record's source file."""
        targets: list[Rec] = []
        for rec in recs:
            if targets and self.r.random() < 0.1:
                t = self.r.choice(targets)
                link = f"相关情况详见[《{t.title}》](../{t.folder}/{t.name}{t.suffix})。"
                plain = f"相关情况详见《{t.title}》。"
                first, sep, rest = rec.body.partition("\n\n")
                rec.body = first + link + sep + rest
                first, sep, rest = rec.peer_body.partition("\n\n")
                rec.peer_body = first + plain + sep + rest
            if rec.public and rec.active:
                targets.append(rec)


# ---------------------------------------------------------------- writers


class _Dumper(getattr(yaml, "CSafeDumper", yaml.SafeDumper)):  # type: ignore[misc]
    def ignore_aliases(self, data: Any) -> bool:  # no &id001 anchors: write every value out
        return True


def _dump(data: dict[str, Any]) -> str:
    return yaml.dump(data, Dumper=_Dumper, allow_unicode=True, sort_keys=False, default_flow_style=False, width=4096)


def config_yaml() -> str:
    orgs = [{"id": W.TOWN[0], "name": W.TOWN[1], "short_name": W.TOWN[2], "code": W.TOWN[3], "type": W.TOWN[4], "parent": None}]
    for bid, place in W.BRANCHES:
        orgs.append({"id": bid, "name": f"中共青溪镇{place}支部委员会", "short_name": f"{place}党支部",
                     "code": W.BRANCH_CODES[bid], "type": "党支部", "parent": "town"})
    cfg = {
        "site": {"title": "青溪镇阳光党务", "subtitle": "党务公开网站（基准测试语料）",
                 "description": "基准测试用的合成语料：工作计划、支部考评和各类公示公告。",
                 "base_url": "/qingxi/", "language": "zh-CN", "timezone": "Asia/Shanghai", "per_page": 20, "max_file_kb": 512},
        "orgs": orgs,
        "contacts": [{"id": i, "name": n, "phone": p, "address": a, "hours": "工作日 8:30—17:00"} for i, n, p, a in W.CONTACTS],
        "footer": {"host": W.TOWN[1], "contact": "town-org-office"},
    }
    return _dump(cfg)


def write_sunshine(root: Path, recs: list[Rec]) -> None:
    (root / "content").mkdir(parents=True)
    for folder in FOLDERS.values():
        (root / "content" / folder).mkdir()
    (root / "config.yaml").write_text(config_yaml(), encoding="utf-8")
    for rec in recs:
        path = root / rec.rel
        if rec.kind == "rating":
            body = "".join(("  " + line if line else "") + "\n" for line in rec.body.splitlines())
            path.write_text(_dump(rec.fm) + "body: |\n" + body, encoding="utf-8")
        else:
            path.write_text("---\n" + _dump(rec.fm) + "---\n\n" + rec.body, encoding="utf-8")
    # A site-level copy of the default notice template: the benchmark's template edit target.
    target = root / "templates" / "kinds" / "notice.html"
    target.parent.mkdir(parents=True)
    shutil.copyfile(REPO / "templates" / "kinds" / "notice.html", target)


def _iso(d: dt.date) -> str:
    return f"{d.isoformat()}T09:00:00+08:00"


HUGO_CONFIG = """baseURL = "/"
languageCode = "zh-cn"
title = "青溪镇阳光党务"
hasCJKLanguage = true

[pagination]
  pagerSize = 20
"""
HUGO_BASEOF = """<!DOCTYPE html>
<html lang="zh-CN">
<head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
<title>{{ if not .IsHome }}{{ .Title }} - {{ end }}{{ site.Title }}</title></head>
<body>
<header><a href="{{ "/" | relURL }}">{{ site.Title }}</a></header>
<main>{{ block "main" . }}{{ end }}</main>
<footer>中共青溪镇委员会</footer>
</body>
</html>
"""
HUGO_SINGLE = """{{ define "main" }}<article>
<h1>{{ .Title }}</h1>
<p><time datetime="{{ .Date.Format "2006-01-02" }}">{{ .Date.Format "2006-01-02" }}</time></p>
{{ .Content }}
</article>{{ end }}
"""
HUGO_LIST = """{{ define "main" }}<h1>{{ .Title }}</h1>
{{ $pages := .Pages }}{{ if .IsHome }}{{ $pages = site.RegularPages }}{{ end }}
{{ $pager := .Paginate $pages }}
<ul>{{ range $pager.Pages }}<li><a href="{{ .RelPermalink }}">{{ .Title }}</a> {{ .Date.Format "2006-01-02" }}</li>{{ end }}</ul>
<nav>{{ if $pager.HasPrev }}<a href="{{ $pager.Prev.URL }}">上一页</a>{{ end }} {{ if $pager.HasNext }}<a href="{{ $pager.Next.URL }}">下一页</a>{{ end }}</nav>
{{ end }}
"""
PELICAN_CONF = """AUTHOR = "青溪镇党委"
SITENAME = "青溪镇阳光党务"
SITEURL = ""
PATH = "content"
TIMEZONE = "Asia/Shanghai"
DEFAULT_LANG = "zh"
DEFAULT_PAGINATION = 20
RELATIVE_URLS = True
"""
MKDOCS_YML = """site_name: 青溪镇阳光党务
theme:
  name: mkdocs
# Only the home page is in the navigation: with every page listed, each of the N pages
# would carry an N-entry menu (MkDocs' default theme renders the whole nav on every page).
nav:
  - 首页: index.md
"""
ELEVENTY_BASE = """<!DOCTYPE html>
<html lang="zh-CN">
<head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
<title>{{ title }} - 青溪镇阳光党务</title></head>
<body>
<header><a href="/">青溪镇阳光党务</a></header>
<main>
{% if date and title %}<h1>{{ title }}</h1>{% endif %}
{{ content | safe }}
</main>
<footer>中共青溪镇委员会</footer>
</body>
</html>
"""
ELEVENTY_INDEX = """---
title: 首页
layout: base.njk
pagination:
  data: collections.posts
  size: 20
  reverse: true
permalink: "{% if pagination.pageNumber > 0 %}page/{{ pagination.pageNumber + 1 }}/{% endif %}index.html"
eleventyExcludeFromCollections: true
---
<ul>
{%- for post in pagination.items %}
<li><a href="{{ post.url }}">{{ post.data.title }}</a> {{ post.date.toISOString().slice(0, 10) }}</li>
{%- endfor %}
</ul>
"""


def _title_yaml(title: str) -> str:
    return json.dumps(title, ensure_ascii=False)  # a JSON string is a valid YAML scalar


def write_peers(root: Path, recs: list[Rec]) -> None:
    hugo, pelican, mkdocs, eleventy = (root / x for x in ("hugo", "pelican", "mkdocs", "eleventy"))
    (hugo / "content" / "posts").mkdir(parents=True)
    (hugo / "layouts" / "_default").mkdir(parents=True)
    (hugo / "hugo.toml").write_text(HUGO_CONFIG, encoding="utf-8")
    (hugo / "layouts" / "_default" / "baseof.html").write_text(HUGO_BASEOF, encoding="utf-8")
    (hugo / "layouts" / "_default" / "single.html").write_text(HUGO_SINGLE, encoding="utf-8")
    (hugo / "layouts" / "_default" / "list.html").write_text(HUGO_LIST, encoding="utf-8")
    (pelican / "content").mkdir(parents=True)
    (pelican / "pelicanconf.py").write_text(PELICAN_CONF, encoding="utf-8")
    (mkdocs / "docs").mkdir(parents=True)
    (mkdocs / "mkdocs.yml").write_text(MKDOCS_YML, encoding="utf-8")
    (mkdocs / "docs" / "index.md").write_text("# 青溪镇阳光党务\n\n党务公开网站（基准测试语料）。\n", encoding="utf-8")
    (eleventy / "src" / "posts").mkdir(parents=True)
    (eleventy / "src" / "_includes").mkdir(parents=True)
    (eleventy / "src" / "_includes" / "base.njk").write_text(ELEVENTY_BASE, encoding="utf-8")
    (eleventy / "src" / "index.njk").write_text(ELEVENTY_INDEX, encoding="utf-8")
    (eleventy / "src" / "posts" / "posts.json").write_text('{"layout": "base.njk", "tags": "posts"}\n', encoding="utf-8")
    for rec in recs:
        if not rec.public or rec.scheduled or rec.fm.get("status") == "gone":
            continue  # peers get the pages the public edition shows in full
        title, body = _title_yaml(rec.title), rec.peer_body
        (hugo / "content" / "posts" / f"{rec.name}.md").write_text(
            f"---\ntitle: {title}\ndate: {_iso(rec.date)}\nslug: {rec.name}\n---\n\n{body}", encoding="utf-8")
        (pelican / "content" / f"{rec.name}.md").write_text(
            f"Title: {rec.title}\nDate: {rec.date.isoformat()} 09:00\nSlug: {rec.name}\n\n{body}", encoding="utf-8")
        (mkdocs / "docs" / f"{rec.name}.md").write_text(
            f"---\ntitle: {title}\ndate: {rec.date.isoformat()}\n---\n\n# {rec.title}\n\n{body}", encoding="utf-8")
        (eleventy / "src" / "posts" / f"{rec.name}.md").write_text(
            f"---\ntitle: {title}\ndate: {rec.date.isoformat()}\n---\n\n{body}", encoding="utf-8")


def peer_source(root: Path, tool: str, rec: Rec) -> Path:
    """The file holding ``rec`` in a peer's tree (for the one-record edit)."""
    return {
        "hugo": root / "hugo" / "content" / "posts" / f"{rec.name}.md",
        "pelican": root / "pelican" / "content" / f"{rec.name}.md",
        "mkdocs": root / "mkdocs" / "docs" / f"{rec.name}.md",
        "eleventy": root / "eleventy" / "src" / "posts" / f"{rec.name}.md",
    }[tool]


def generate(root: Path, n: int, seed: int = SEED, peers: bool = True) -> Corpus:
    """Write the corpus under ``root`` (which must not exist or be empty)."""
    root.mkdir(parents=True, exist_ok=True)
    if any(root.iterdir()):
        raise SystemExit(f"corpus: {root} is not empty")
    recs = Generator(n, seed).records()
    write_sunshine(root / "sunshine", recs)
    if peers:
        write_peers(root, recs)
    published = [r for r in recs if r.kind == "notice" and r.public and r.active]
    edit = published[len(published) // 2]
    return Corpus(root, n, seed, recs, edit)


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description="write the benchmark corpus")
    ap.add_argument("--n", type=int, default=200, help="number of records (default 200)")
    ap.add_argument("--seed", type=int, default=SEED)
    ap.add_argument("--out", type=Path, required=True, help="empty or new folder")
    ap.add_argument("--no-peers", action="store_true", help="only the Sunshine site")
    args = ap.parse_args(argv)
    corpus = generate(args.out, args.n, args.seed, not args.no_peers)
    lo, hi, avg = corpus.bytes_per_page()
    print(f"{args.out}: {corpus.counts()}; page bytes min {lo} max {hi} mean {avg:.0f}; edit target {corpus.edit_record.rel}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
