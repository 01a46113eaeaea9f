"""What a template may read of the values it is given, found in its syntax tree.

Quick rebuilds (:mod:`sunshine.bodyedit`) render a page again only when its templates
read something of a record that an edit changed. Two questions are asked:

- :func:`template_reads`: every attribute name a template (with every template it
  extends, includes or imports) may read of any value: every ``x.name`` and
  ``x["name"]`` and every string constant (``sort(attribute="date")``), except on
  ``self`` and ``loop`` and on shared values that hold no record (``site``,
  ``org_names``…). A subscript with a computed key, ``v[name]``, counts as reading
  everything of ``v``. A template chosen at run time, a missing optional include,
  ``attr(name)`` with a computed name, ``tojson`` and ``pprint`` count as reading
  everything.
- :func:`reads_through`: what templates read of the records in one shared value,
  such as the menu's pages (``nav_pages``), which every page shows. Only a plain
  ``{% for p in nav_pages %}`` whose ``p`` is used as ``p.name`` or ``p["name"]``
  alone is understood; any other use of the value or of ``p``, and a loop holding an
  include, an import or a block (which may use ``p`` where it is not looked for), counts
  as reading everything.
- :func:`keys_looked_up`: the keys templates look up in one shared mapping, such as
  ``record_links`` (a record's title and address, by its key). Only ``m[k]`` with a
  constant or a value from the context as ``k``, and ``k in m``, are understood.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

import jinja2
from jinja2 import meta as jinja_meta
from jinja2 import nodes

__all__ = ["Reads", "closure", "keys_looked_up", "reads_through", "template_reads"]

_BLOCK_NAMES = frozenset({"self", "loop", "caller", "varargs", "kwargs"})
_WHOLE = frozenset({"tojson", "pprint"})  # filters that show a whole value

Trees = dict[str, nodes.Template]
_ELSEWHERE = (nodes.Include, nodes.Import, nodes.FromImport, nodes.Extends, nodes.Block)  # in a loop: code the item reaches


@dataclass(frozen=True)
class Reads:
    """What a template (with its closure) may read of the values it is given."""

    attrs: frozenset[str]
    computed: frozenset[str]  # names subscripted with a computed key
    anything: bool = False


EVERYTHING = Reads(frozenset(), frozenset(), anything=True)


def closure(env: jinja2.Environment, name: str, parsed: Trees | None = None) -> Trees | None:
    """The syntax trees of ``name`` and every template it extends, includes or imports,
    by name (``parsed``: templates parsed already; filled here); None when one of them
    is chosen at run time or missing."""
    parsed = {} if parsed is None else parsed
    trees: Trees = {}
    todo = [name]
    while todo:
        current = todo.pop()
        if current in trees:
            continue
        assert env.loader is not None
        if current not in parsed:
            try:
                source, _, _ = env.loader.get_source(env, current)
            except jinja2.TemplateNotFound:  # ``include … ignore missing``: it may appear later
                return None
            parsed[current] = env.parse(source, current)
        trees[current] = tree = parsed[current]
        for used in jinja_meta.find_referenced_templates(tree):
            if used is None:
                return None
            todo.append(used)
    return trees


def template_reads(env: jinja2.Environment, name: str, safe: frozenset[str], parsed: Trees | None = None) -> Reads:
    """What ``name`` and its closure may read (the module's note); ``safe``: shared
    names that hold no record."""
    trees = closure(env, name, parsed)
    if trees is None:
        return EVERYTHING
    bound = {n.name for tree in trees.values() for n in tree.find_all(nodes.Name) if n.ctx in ("store", "param")}
    skip = _BLOCK_NAMES | (safe - bound)
    attrs: set[str] = set()
    computed: set[str] = set()
    for tree in trees.values():
        for getattr_node in tree.find_all(nodes.Getattr):
            if not (isinstance(getattr_node.node, nodes.Name) and getattr_node.node.name in skip):
                attrs.add(getattr_node.attr)
        for const in tree.find_all(nodes.Const):
            if isinstance(const.value, str):
                attrs.add(const.value)
        for item in tree.find_all(nodes.Getitem):
            base = item.node
            if not isinstance(item.arg, nodes.Const) and isinstance(base, nodes.Name) and base.name not in skip:
                computed.add(base.name)
        for flt in tree.find_all(nodes.Filter):
            if flt.name in _WHOLE or (flt.name == "attr" and not all(isinstance(a, nodes.Const) for a in flt.args)):
                return EVERYTHING
    return Reads(frozenset(attrs), frozenset(computed))


def reads_through(trees: Iterable[nodes.Template], name: str) -> frozenset[str] | None:
    """The attribute names the ``trees`` may read of the items of the value ``name``, or
    None for anything (the module's note)."""
    found: set[str] = set()
    for tree in trees:
        loads = sum(1 for n in tree.find_all(nodes.Name) if n.name == name and n.ctx == "load")
        loops = [f for f in tree.find_all(nodes.For) if isinstance(f.iter, nodes.Name) and f.iter.name == name]
        if loads != len(loops):  # used otherwise than as what a loop goes through
            return None
        for loop in loops:
            if not isinstance(loop.target, nodes.Name) or loop.recursive or any(loop.find_all(_ELSEWHERE)):
                return None  # an included template or a scoped block may use the item: not looked into
            item = loop.target.name
            uses = sum(1 for n in loop.find_all(nodes.Name) if n.name == item and n.ctx == "load")
            attrs = [g.attr for g in loop.find_all(nodes.Getattr) if isinstance(g.node, nodes.Name) and g.node.name == item]
            keys = [
                g.arg.value for g in loop.find_all(nodes.Getitem)
                if isinstance(g.node, nodes.Name) and g.node.name == item and isinstance(g.arg, nodes.Const)
            ]
            if uses != len(attrs) + len(keys) or not all(isinstance(key, str) for key in keys):  # the item itself is used
                return None
            found.update(attrs, keys)
    return frozenset(found)


_KEY_NODES = (nodes.Const, nodes.Name, nodes.Getattr, nodes.Getitem)  # a key given, not made (no filter, call or ~)


def keys_looked_up(trees: Iterable[nodes.Template], name: str) -> frozenset[object] | None:
    """The constant keys the ``trees`` look up in the mapping ``name``, or None when they
    use it otherwise than as ``name[k]`` or ``k in name`` (a loop over it, a method, a
    filter, passed whole) or look up a key they make (``name["a" ~ x]``). The other keys
    come from the context, where they can be looked for."""
    found: set[object] = set()
    for tree in trees:
        loads = sum(1 for n in tree.find_all(nodes.Name) if n.name == name and n.ctx == "load")
        lookups = [g for g in tree.find_all(nodes.Getitem) if isinstance(g.node, nodes.Name) and g.node.name == name]
        tests = [
            op for compare in tree.find_all(nodes.Compare) for op in compare.ops
            if op.op in ("in", "notin") and isinstance(op.expr, nodes.Name) and op.expr.name == name
        ]
        if loads != len(lookups) + len(tests) or not all(_given(g.arg) for g in lookups):
            return None
        found.update(g.arg.value for g in lookups if isinstance(g.arg, nodes.Const))
    return frozenset(found)


def _given(node: nodes.Node) -> bool:
    """Whether ``node`` names a value (``k``, ``s.closed_by``, ``d["previous"]``) or is a constant."""
    while isinstance(node, (nodes.Getattr, nodes.Getitem)):
        if isinstance(node, nodes.Getitem) and not isinstance(node.arg, nodes.Const):
            return False
        node = node.node
    return isinstance(node, _KEY_NODES)
