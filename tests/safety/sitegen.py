"""Small generated sites for the safety tests: a town, branches, many notices."""

from __future__ import annotations

from pathlib import Path

CONFIG = """\
site:
  title: 测试镇阳光党务
  base_url: https://example.cn/t/
orgs:
  - {id: town, name: 中共测试镇委员会, code: CSZ, type: 党委, parent: null}
  - {id: east, name: 中共东村支部委员会, code: DC, type: 党支部, parent: town}
contacts:
  - {id: office, name: 测试镇党委组织办, phone: "0571-6400 0001"}
footer:
  host: 中共测试镇委员会
  contact: office
"""


def notice(n: int, title: str, scope: str = "public", extra: str = "", body: str = "") -> str:
    return f"""---
title: {title}
org: town
date: 2020-05-{1 + n % 28:02d}
scope: {scope}
category: other
index_no: CSZ-2020-{n:04d}
type: 一般公告
period: {{start: 2020-05-{1 + n % 28:02d}, working_days: 5}}
contact: office
{extra}---
{body or f"第{n}号公告正文。" * 20}
"""


def write_site(root: Path, records: dict[str, str]) -> Path:
    (root / "content" / "notices").mkdir(parents=True, exist_ok=True)
    (root / "config.yaml").write_text(CONFIG, encoding="utf-8")
    for name, text in records.items():
        path = root / "content" / "notices" / name
        path.write_text(text, encoding="utf-8")
    return root
