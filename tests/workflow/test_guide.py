"""docs/编辑指南.md: every full example record in the guide builds, strictly."""

from __future__ import annotations

import re
from pathlib import Path

from sunshine.kinds.notice import TYPE_RULES
from sunshine.pipeline import build_in_memory

from .conftest import REPO, options_for

GUIDE = REPO / "docs" / "编辑指南.md"


def examples() -> list[str]:
    blocks = re.findall(r"```markdown\n(.*?)```", GUIDE.read_text(encoding="utf-8"), flags=re.DOTALL)
    return [b for b in blocks if b.startswith("---\n")]


def test_guide_has_an_example_of_every_notice_type() -> None:
    types = [re.search(r"^type: (\S+)$", b, re.MULTILINE) for b in examples()]
    assert [m.group(1) for m in types if m] == list(TYPE_RULES)


def test_guide_examples_build_strictly(sample_root: Path) -> None:
    keys = []
    for i, block in enumerate(examples()):
        path = sample_root / "content" / "notices" / f"guide-example-{i}.md"
        path.write_text(block, encoding="utf-8")
        keys.append(path.relative_to(sample_root).as_posix())
    site, files = build_in_memory(options_for(sample_root, strict=True))
    assert not site.problems.items
    for key in keys:
        assert f"notices/{Path(key).stem}/index.html" in files


def test_guide_names_the_commands() -> None:
    text = GUIDE.read_text(encoding="utf-8")
    for command in ("python build.py serve", 'python build.py new notice "', "--org", "--type",
                    "python build.py --strict", "errors.md", "proposed_by", "secrecy_review"):
        assert command in text
