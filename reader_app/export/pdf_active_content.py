"""Active content taken out of a PDF before we hand a copy of it back to the user: every
action but web, e-mail and in-document links (JavaScript, Launch, remote go-tos, form
submission, ...), additional actions, the JavaScript name tree, embedded and attached
files, XFA forms and media annotations. What is left is pages, text, annotations and
plain links, which a PDF reader can only show.

It works on an open PyMuPDF document, so it runs where ``pdf_export`` does: only in a
worker process. It uses the document's methods, and PyMuPDF's MuPDF bindings to reach
dictionaries written inside other objects.
"""

from __future__ import annotations

from typing import Any

# Keys holding one action: annotations' and outline items' A, the catalog's OpenAction,
# a link's PA, and the next action of a chain.
ACTION_KEYS = ("A", "OpenAction", "PA", "Next")
SAFE_SCHEMES = ("http://", "https://", "mailto:")
# Action types (the S of an action dictionary) a reader runs or sends somewhere.
UNSAFE_ACTIONS = frozenset(
    {
        "JavaScript", "Launch", "GoToR", "GoToE", "GoToDp", "Thread", "Sound", "Movie",
        "Hide", "Named", "SubmitForm", "ResetForm", "ImportData", "SetOCGState",
        "Rendition", "Trans", "GoTo3DView", "RichMediaExecute",
    }
)  # fmt: skip
KNOWN_ACTIONS = UNSAFE_ACTIONS | {"GoTo", "URI"}
# Annotations that carry a file, a sound, a film or a 3D model (and often scripts).
MEDIA_ANNOTATIONS = frozenset({"FileAttachment", "Sound", "Movie", "Screen", "RichMedia", "3D"})
# Keys of such annotations that hold the content, cleared if one cannot be deleted.
MEDIA_KEYS = ("FS", "Sound", "Movie", "RichMediaContent", "RichMediaSettings", "3DD")
# Keys cleared wherever they are: additional actions (run on opening a page, focusing a
# field, printing, ...), a file specification's embedded file, associated files.
CLEARED_KEYS = {"AA": "additional actions", "EF": "an embedded file", "AF": "associated files"}
# Entries of the catalog, and of dictionaries within it, that hold active content.
CATALOG_PATHS = (
    ("Names", "JavaScript"),
    ("Names", "EmbeddedFiles"),
    ("AcroForm", "XFA"),
    ("Collection",),  # a portfolio: the document is a wrapper for its embedded files
)


def remove_active_content(doc: Any) -> list[str]:
    """Take the active content out of ``doc`` (an open PyMuPDF PDF) in place; returns what
    was removed, one short description each. Run it before writing anything in, and save
    with garbage collection so the objects no longer referenced are dropped. An object
    PyMuPDF cannot read raises its error: a copy is refused rather than left unchecked."""
    _lift_nested_dictionaries(doc)
    removed = _remove_media_annotations(doc)
    catalog = doc.pdf_catalog()
    for path in CATALOG_PATHS:
        if _clear(doc, catalog, path):
            removed.append("/" + "/".join(path))
    for xref in range(1, doc.xref_length()):
        removed += _clean_object(doc, xref)
    return removed


def _lift_nested_dictionaries(doc: Any) -> None:
    """Make every dictionary written inside another object that could hold or be an action
    an object of its own, so the per-object cleaning below sees it: an annotation written
    straight into a page's /Annots array (not as a reference) carries its /A and /AA
    there, where no key path reaches. The document reads the same."""
    import pymupdf

    mupdf = pymupdf.mupdf
    pdf = pymupdf._as_pdf_document(doc)
    for xref in range(1, doc.xref_length()):
        # A walk, not a recursion: a hostile object can nest thousands deep.
        pending = [mupdf.pdf_load_object(pdf, xref)]
        while pending:
            container = pending.pop()
            is_dict = mupdf.pdf_is_dict(container)
            count = mupdf.pdf_dict_len(container) if is_dict else mupdf.pdf_array_len(container)
            for i in range(count):
                held = (
                    mupdf.pdf_dict_get_val(container, i)
                    if is_dict
                    else mupdf.pdf_array_get(container, i)
                )
                if mupdf.pdf_is_indirect(held):
                    continue  # its own object: cleaned in its turn
                if mupdf.pdf_is_array(held):
                    pending.append(held)
                elif mupdf.pdf_is_dict(held):
                    pending.append(held)
                    key = mupdf.pdf_dict_get_key(container, i) if is_dict else None
                    # An action or entry a key path reaches (A, AA, ...) is cleaned where
                    # it is: lifted, it would be cleaned, and reported, twice.
                    if key is not None and mupdf.pdf_to_name(key) in _REACHED_KEYS:
                        continue
                    if _may_act(mupdf, held):
                        lifted = mupdf.pdf_add_object(pdf, held)
                        if key is not None:
                            mupdf.pdf_dict_put(container, key, lifted)
                        else:
                            mupdf.pdf_array_put(container, i, lifted)


_REACHED_KEYS = frozenset({*ACTION_KEYS, *CLEARED_KEYS})


def _may_act(mupdf: Any, held: Any) -> bool:
    """Whether a dictionary has a key the cleaning looks at (an action, a file, media)."""
    names = {
        mupdf.pdf_to_name(mupdf.pdf_dict_get_key(held, i)) for i in range(mupdf.pdf_dict_len(held))
    }
    return bool(names & {*ACTION_KEYS, *CLEARED_KEYS, *MEDIA_KEYS, "S", "JS", "Subtype"})


def _remove_media_annotations(doc: Any) -> list[str]:
    removed = []
    for page in doc:
        for annot in [a for a in page.annots() if a.type[1] in MEDIA_ANNOTATIONS]:
            removed.append(f"a {annot.type[1]} annotation on page {page.number + 1}")
            page.delete_annot(annot)
    return removed


def _clean_object(doc: Any, xref: int) -> list[str]:
    """Clear the active entries of one object; blank it if it is itself an unsafe action
    (so nothing that still points to it can run it) or an embedded file."""
    keys = set(doc.xref_get_keys(xref))  # read once: each key read loads the object
    if not keys:
        return []
    kind = _name(doc, xref, "Type") if "Type" in keys else ""
    removed = []
    if kind == "EmbeddedFile" and doc.xref_is_stream(xref):
        doc.update_stream(xref, b"")
        removed.append("an embedded file")
    # S also names a structure element's role, a border's style, a group's kind: only
    # an action type we know makes this object an action.
    action = _name(doc, xref, "S") if "S" in keys and kind in ("", "Action") else ""
    if action not in KNOWN_ACTIONS:
        action = ""
    elif why := _unsafe_action(doc, xref, ""):
        doc.update_object(xref, "<<>>")
        return [*removed, why]
    for key in sorted(keys & CLEARED_KEYS.keys()):
        doc.xref_set_key(xref, key, "null")
        removed.append(CLEARED_KEYS[key])
    if "Subtype" in keys and _name(doc, xref, "Subtype") in MEDIA_ANNOTATIONS:
        for key in sorted(keys.intersection(MEDIA_KEYS)):
            doc.xref_set_key(xref, key, "null")
            removed.append(f"an annotation's {key}")
    # Next is an action only in an action; in an outline item it is the next item.
    held = [k for k in ACTION_KEYS if k in keys and (k != "Next" or action)]
    return removed + [why for key in held if (why := _clean_action(doc, xref, key))]


def _clean_action(doc: Any, xref: int, key: str) -> str:
    """Clear the action at ``key`` of object ``xref`` unless it is safe, and cut a safe
    one's chain to the next; what was removed, or empty."""
    held, source = doc.xref_get_key(xref, key)
    if key == "OpenAction" and held == "array":
        return ""  # a destination: where the document opens
    why = _unsafe_action(doc, xref, key + "/")
    if why:
        doc.xref_set_key(xref, key, "null")
        return why
    if held == "dict" and "/Next" in source and doc.xref_get_key(xref, f"{key}/Next")[0] != "null":
        # A safe action may chain to any other: the chain is cut (an action held as an
        # object of its own has its Next cleared when that object's turn comes).
        doc.xref_set_key(xref, f"{key}/Next", "null")
        return "a chained action"
    return ""


def _unsafe_action(doc: Any, xref: int, prefix: str) -> str:
    """Why the action at ``prefix`` (``"A/"``, or ``""`` for the object itself) is not
    kept; empty if it is a link to a web or e-mail address or within the document."""
    kind = _name(doc, xref, prefix + "S")
    if kind == "GoTo":
        return ""
    if kind == "URI":
        uri = doc.xref_get_key(xref, prefix + "URI")[1].strip().lower()
        return "" if uri.startswith(SAFE_SCHEMES) else "a link to a non-web address"
    return f"a {kind} action" if kind in UNSAFE_ACTIONS else f"an action of type {kind!r}"


def _name(doc: Any, xref: int, key: str) -> str:
    """The name at ``key`` without its slash; empty if there is none."""
    kind, value = doc.xref_get_key(xref, key)
    return str(value).lstrip("/") if kind == "name" else ""


def _clear(doc: Any, xref: int, path: tuple[str, ...]) -> bool:
    """Set the entry at ``path`` below object ``xref`` to null, following references
    (PyMuPDF's own key paths write a placeholder through one); True if there was one."""
    key, rest = path[0], path[1:]
    kind, value = doc.xref_get_key(xref, key)
    if kind == "null":
        return False
    if not rest:
        doc.xref_set_key(xref, key, "null")
        return True
    if kind == "xref":
        return _clear(doc, int(value.split()[0]), rest)
    if kind == "dict":
        if doc.xref_get_key(xref, "/".join(path))[0] == "null":
            return False
        doc.xref_set_key(xref, "/".join(path), "null")
        return True
    return False
