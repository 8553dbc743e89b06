"""A page's metadata as trafilatura extracts it, without the fields cleanpipe never reads.

trafilatura's `extract_metadata` also searches the page for categories, tags and a license:
a good part of its time, for fields `extract_html` drops. `page_metadata`
runs the same steps in the same order for the fields it keeps (title, author, URL, host name,
date, site name, description), so their values are the ones `extract_metadata` gives; where
trafilatura's internals are not the ones this was written against, it calls
`extract_metadata` itself. `tests/stages/test_html.py` compares both on the HTML fixtures.
"""

from __future__ import annotations

import contextlib
from typing import Any

try:  # trafilatura 2.x internals, read once
    from htmldate import find_date
    from trafilatura.metadata import (
        META_URL,
        check_authors,
        examine_meta,
        extract_author,
        extract_meta_json,
        extract_sitename,
        extract_title,
        extract_url,
    )
    from trafilatura.metadata import extract_domain as _extract_domain

    _STEPS = True
except ImportError:  # another trafilatura: its own function, same fields, a bit slower
    _STEPS = False


def page_metadata(tree: Any, options: Any, search_author: bool = True) -> Any:
    """trafilatura's `Document` of metadata for `tree` with the `Extractor` `options`, as
    `bare_extraction` computes it, but for categories, tags and license (left empty).

    `search_author=False` takes the author from the meta tags and JSON-LD only, skipping
    trafilatura's search of the page body (`extract_author`), most of the metadata's cost
    (figures: docs/performance.md).
    """
    from trafilatura.metadata import extract_metadata
    from trafilatura.settings import Document, set_date_params

    if not _STEPS:
        return extract_metadata(
            tree, options.url, options.date_params, options.fast, options.author_blacklist
        )
    author_blacklist = options.author_blacklist or set()
    date_config = {**options.date_params} if options.date_params else set_date_params(options.fast)
    if tree is None:
        return Document()
    metadata = examine_meta(tree)
    if metadata.author and " " not in metadata.author:
        metadata.author = None
    with contextlib.suppress(Exception):  # as trafilatura: JSON-LD bugs are not fatal
        metadata = extract_meta_json(tree, metadata)
    if not metadata.title:
        metadata.title = extract_title(tree)
    if metadata.author and author_blacklist:
        metadata.author = check_authors(metadata.author, author_blacklist)
    if not metadata.author and search_author:
        metadata.author = extract_author(tree)
    if metadata.author and author_blacklist:
        metadata.author = check_authors(metadata.author, author_blacklist)
    if not metadata.url:
        metadata.url = extract_url(tree, options.url)
    if metadata.url:
        metadata.hostname = _extract_domain(metadata.url, fast=True)
    date_config["url"] = metadata.url
    metadata.date = find_date(tree, **date_config)
    if not metadata.sitename:
        metadata.sitename = extract_sitename(tree)
    if metadata.sitename:
        site = metadata.sitename = metadata.sitename.lstrip("@")
        if site and "." not in site and not site[0].isupper():
            metadata.sitename = site.title()
    elif metadata.url:
        match = META_URL.match(metadata.url)
        if match:
            metadata.sitename = match[1]
    metadata.filedate = date_config.get("max_date")
    metadata.clean_and_trim()
    return metadata
