"""What changed between two sets of BPMN/DMN files, element by element (by id).

An element's content is its tag, attributes, text and the content of its children that
have no id of their own (form fields, conditions, timer values, cell texts); children with
an id are compared as elements of their own. Drawing information (shapes, edges, bounds) is
left out: moving a box is not a change to the process.
"""

from typing import Any

from lxml import etree

from engine.bpmn.parser import safe_xml
from engine.bpmn.spiff_dialect import side_file

_DRAWING = ("http://www.omg.org/spec/BPMN/20100524/DI", "http://www.omg.org/spec/DD/20100524/DC",
            "http://www.omg.org/spec/DD/20100524/DI", "https://www.omg.org/spec/DMN/20191111/DMNDI/",
            "http://www.omg.org/spec/DMN/20180521/DMNDI/", "http://www.omg.org/spec/DMN/20180521/DC/",
            "http://www.omg.org/spec/DMN/20180521/DI/")
_CAMUNDA = ("http://camunda.org/schema/1.0/bpmn", "http://camunda.org/schema/1.0/dmn")


def _namespace(node):
    return etree.QName(node).namespace if isinstance(node.tag, str) else None


def _own_element(node):
    return node.get("id") is not None and _namespace(node) not in _DRAWING + _CAMUNDA


def _content(node):
    parts = [etree.QName(node).localname, repr(sorted(node.attrib.items())), (node.text or "").strip()]
    for child in node:
        if not isinstance(child.tag, str) or _namespace(child) in _DRAWING:
            continue
        parts.append(f"#{child.get('id')}" if _own_element(child) else f"({_content(child)})")
    return "|".join(parts)


def _facets(node: Any, prefix: str = "") -> dict[str, str]:
    """{part: value} of an element's own content: attributes (`@name`), text (`teks`) and, by path, those
    of its children without an id of their own (`conditionExpression/teks`, `text/teks`)."""
    found = {f"{prefix}@{etree.QName(key).localname}": value for key, value in node.attrib.items()}
    if (node.text or "").strip():
        found[f"{prefix}teks"] = node.text.strip()
    seen: dict[str, int] = {}
    for child in node:
        if not isinstance(child.tag, str) or _namespace(child) in _DRAWING or _own_element(child):
            continue
        name = etree.QName(child).localname
        seen[name] = seen.get(name, 0) + 1
        found.update(_facets(child, f"{prefix}{name}{'' if seen[name] == 1 else f'[{seen[name]}]'}/"))
    return found


def elements(files: dict[str, str]) -> dict[str, dict[str, Any]]:
    """{element id: {file, type, name, content}} for every element with an id, drawings left out."""
    found: dict[str, dict[str, Any]] = {}
    for name, text in sorted(files.items()):
        if side_file(name):  # a SpiffArena form schema: one entry for the whole file
            found[name] = {"file": name, "type": "skema_formulir", "name": name, "content": text}
            continue
        root = safe_xml(text, name)
        for node in root.iter():
            if isinstance(node.tag, str) and _own_element(node) and node is not root:
                found[node.get("id")] = {"file": name, "type": etree.QName(node).localname,
                                         "name": node.get("name") or node.get("label") or "",
                                         "content": _content(node), "facets": _facets(node)}
    return found


def _changes(old: dict[str, Any], new: dict[str, Any]) -> list[dict[str, Any]]:
    """Each part of an element whose value changed: {bagian, lama, baru} (None where absent)."""
    before, after = old.get("facets") or {"isi": old["content"]}, new.get("facets") or {"isi": new["content"]}
    return [{"bagian": key, "lama": before.get(key), "baru": after.get(key)}
            for key in sorted(before.keys() | after.keys()) if before.get(key) != after.get(key)]


def diff(old_files: dict[str, str], new_files: dict[str, str]) -> dict[str, list]:
    """{'ditambah': [...], 'dihapus': [...], 'diubah': [...]} of {element_id, type, name, file}; a changed
    element also lists its changed parts, old -> new (`perubahan`)."""
    old, new = elements(old_files), elements(new_files)

    def entry(element_id, info):
        return {"element_id": element_id, "type": info["type"], "name": info["name"], "file": info["file"]}

    return {
        "ditambah": [entry(i, new[i]) for i in sorted(new.keys() - old.keys())],
        "dihapus": [entry(i, old[i]) for i in sorted(old.keys() - new.keys())],
        "diubah": [{**entry(i, new[i]), "perubahan": _changes(old[i], new[i])}
                   for i in sorted(old.keys() & new.keys()) if old[i]["content"] != new[i]["content"]],
        "berkas_ditambah": sorted(new_files.keys() - old_files.keys()),
        "berkas_dihapus": sorted(old_files.keys() - new_files.keys()),
    }
