"""A notice printed for the bulletin board: A4, headers repeated, a QR code that opens it."""

from __future__ import annotations

import io
import shutil
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
import zxingcpp
from PIL import Image

from .conftest import NOW, PREFIX, ROOT, Served, serve

SLUG = "2020-06-zhaopin-fazhan-duixiang"
CANONICAL = f"https://dangwu.example.cn{PREFIX}notices/{SLUG}/"
SURNAMES = "赵钱孙李周吴郑王冯陈褚卫蒋沈韩杨朱秦尤许何吕施张孔曹严华金魏陶姜戚谢邹喻柏水窦章"


def _people(n: int) -> str:
    rows = []
    for i in range(n):
        rows.append(
            f"  - {{name: {SURNAMES[i % len(SURNAMES)]}晓{i:02d}, gender: {'男' if i % 2 else '女'}, birth: '19{80 + i % 15}-0{1 + i % 9}',"
            f" education: 大专, applied: 2018-03-{1 + i % 28:02d}, activist: 2018-09-{1 + i % 28:02d}}}"
        )
    return "\n".join(rows)


NOTICE = f"""---
title: 青溪镇2020年第三批发展对象公示
org: town
date: 2020-06-12
scope: public
category: organization
catalog: member-development
event_on: 2020-06-10
index_no: QXZ-2020-0099
type: 发展对象公示
period: {{start: 2020-06-12, working_days: 5}}
contact: town-org-office
approval: {{proposed_by: 镇党委组织办, reviewed_by: 镇党委组织委员, approved_by: 镇党委, approved_on: 2020-06-11, secrecy_review: true}}
people:
{_people(40)}
---
经各党支部推荐、镇党委预审，以下四十名同志拟列为发展对象，现予公示。
"""


@pytest.fixture(scope="module")
def printed(tmp_path_factory: pytest.TempPathFactory) -> Served:
    root = tmp_path_factory.mktemp("print-site")
    shutil.copy(ROOT / "config.yaml", root / "config.yaml")
    shutil.copytree(ROOT / "content", root / "content")
    (root / "content" / "notices" / f"{SLUG}.md").write_text(NOTICE, encoding="utf-8")
    out = tmp_path_factory.mktemp("print-out")
    cmd = [sys.executable, str(ROOT / "build.py"), "--root", str(root), "--now", NOW, "--out", str(out), "--no-history"]
    run = subprocess.run(cmd, capture_output=True, text=True, timeout=180, check=False, env={"SUNSHINE_NO_SEARCH": "1", "PATH": "/usr/bin:/bin"})
    assert run.returncode == 0, run.stderr
    return serve(out, tmp_path_factory.mktemp("print-serve"))


@pytest.fixture(scope="module")
def pdf(printed: Served, browser: Any, tmp_path_factory: pytest.TempPathFactory) -> Path:
    page = browser.new_page()
    page.goto(printed.at(f"notices/{SLUG}/print/"))
    path = tmp_path_factory.mktemp("pdf") / "notice.pdf"
    page.pdf(path=str(path), prefer_css_page_size=True, print_background=True)
    page.close()
    return path


def _pdf_text(pdf: Path, page: int) -> str:
    return subprocess.run(["pdftotext", "-f", str(page), "-l", str(page), "-layout", str(pdf), "-"],
                          capture_output=True, text=True, check=True).stdout


def test_sheet_is_a4_and_paginates_with_headers(pdf: Path) -> None:
    info = subprocess.run(["pdfinfo", str(pdf)], capture_output=True, text=True, check=True).stdout
    assert "(A4)" in info, info
    pages = int(next(line.split()[-1] for line in info.splitlines() if line.startswith("Pages:")))
    assert pages >= 2, "a 40-row table must run over more than one page"
    for n in range(1, pages + 1):
        text = _pdf_text(pdf, n)
        if "晓" in text:  # a page with people rows carries the header row again
            assert "姓名" in text and "出生年月" in text and "申请入党时间" in text, f"page {n} lost the header"
    everything = "".join(_pdf_text(pdf, n) for n in range(1, pages + 1))
    assert "索引号 QXZ-2020-0099" in everything
    assert "如有异议" in everything and "中共青溪镇委员会" in everything
    assert all(f"晓{i:02d}" in everything for i in range(40))
    assert "首页" not in everything and "公开目录" not in everything, "navigation must not print"


def test_qr_code_opens_the_notice(pdf: Path, tmp_path: Path) -> None:
    info = subprocess.run(["pdfinfo", str(pdf)], capture_output=True, text=True, check=True).stdout
    last = int(next(line.split()[-1] for line in info.splitlines() if line.startswith("Pages:")))
    found: list[str] = []
    for n in range(1, last + 1):
        png = subprocess.run(["pdftoppm", "-png", "-r", "150", "-f", str(n), "-l", str(n), str(pdf)],
                             capture_output=True, check=True).stdout
        with Image.open(io.BytesIO(png)) as image:
            found += [code.text for code in zxingcpp.read_barcodes(image)]
    assert found == [CANONICAL]


def test_first_page_picture_for_the_readme(pdf: Path) -> None:
    target = ROOT / "docs" / "screenshots" / "print-page1.png"
    png = subprocess.run(["pdftoppm", "-png", "-r", "60", "-f", "1", "-l", "1", str(pdf)], capture_output=True, check=True).stdout
    target.write_bytes(png)
    with Image.open(target) as image:
        assert image.size[0] > 400
