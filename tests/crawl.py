"""A crawler for the pages a signed-in user reaches: every link from the start pages, followed.

Used by tests/test_crawl_chinese.py; it can also walk a built demo county (bench/crawl_demo.py) to list
what a real-sized county shows. For each page it records the status, the English words of the visible text
(outside an allow-list), the lists that can outgrow a page without a search box or an Excel export, and the
file names of downloads.

Bounded so that it stays fast: at most `per_name` different paths per URL name, and at most `per_path`
query strings per path (sort orders, filters and pages of one list look alike).
"""

from __future__ import annotations

import re
import time
from dataclasses import dataclass, field
from html.parser import HTMLParser
from urllib.parse import unquote, urljoin, urlsplit

from django.urls import Resolver404, resolve

# Words that may stay in Latin letters: names of formats and standards everybody in an office uses, the
# statistics of a scorecard report (as the regulator's guidance writes them), units, and credit grades.
ALLOWED_WORDS = {
    # formats and programs
    "API",
    "Excel",
    "CSV",
    "xlsx",
    "xls",
    "xlsm",
    "csv",
    "txt",
    "doc",
    "docx",
    "JPEG",
    "PNG",
    "Word",
    "PDF",
    "pdf",
    "JSON",
    "json",
    "YAML",
    "yaml",
    "UTF-8",
    "GBK",
    "OpenAPI",
    "URL",
    "IP",
    "ID",
    # a standard's number is written this way in Chinese too: JR/T 0169-2018 (金融行业标准)
    "JR/T",
    # sizes
    "KB",
    "MB",
    "GB",
    # scorecard statistics
    "AUC",
    "KS",
    "IV",
    "PSI",
    "CSI",
    "PD",
    "Gini",
    "WOE",
    "Jeffreys",
    "Beta",
    "p",
    # banking words written in Latin letters in Chinese too: ATM机, POS机; the keyboard's Ctrl
    "ATM",
    "POS",
    "Ctrl",
    # 贷款市场报价利率 as the PBoC and every bank write it: 1年期LPR
    "LPR",
    # a method's name: the Sarma index (Sarma 2008) of the index methodology
    "Sarma",
    # credit grades (the banks' own notation)
    "AAA",
    "AA",
    "A",
    "BBB",
    "BB",
    "B",
    "CCC",
    "CC",
    "C",
    "D",
    # the tax authority's 纳税信用等级 A/B/M/C/D (M: a firm new to the grading)
    "M",
}
# A token of letters, digits, asterisks, dots, underscores and hyphens: "core.User", "expert_v1", "2020Q4".
WORD_RE = re.compile(r"[A-Za-z0-9*][A-Za-z0-9*_./-]*")
# Data, not English: no letter at all, a period code (2020Q1, Q4), an outline number (A1, U5: the index
# framework's numbering), or a code with at least four digits (a masked ID number 370323********123X, a
# service point's SP3703231022…).
DATA_RE = re.compile(r"^(?:[^A-Za-z]*|\d{4}Q[1-4]|Q[1-4]|[A-Z]\d{1,2}|.*\d.*\d.*\d.*\d.*)$")
SKIP_TEXT = {"script", "style", "code", "pre", "textarea", "template", "kbd", "samp"}
VISIBLE_ATTRS = ("placeholder", "title", "alt", "aria-label")
VOID = {"area", "base", "br", "col", "embed", "hr", "img", "input", "link", "meta", "source", "track", "wbr"}


@dataclass
class ListBox:
    """A list found on a page: whether it can outgrow the page, and what it offers."""

    rows: int
    paged: bool
    marked: bool  # inside the list component's root (data-list)
    searchable: bool
    exportable: bool


class PageParser(HTMLParser):
    """Visible text, links, and the lists of one HTML page."""

    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.text: list[str] = []
        self.links: list[str] = []
        self.lists: list[ListBox] = []
        self._skip = 0
        self._stack: list[tuple[str, dict]] = []
        self._tables: list[dict] = []
        self._roots: list[dict] = []  # open list-component roots
        self._page_search = False
        self._page_export = False
        self._pagers = 0
        self._loose_tables: list[int] = []  # row counts of tables outside a list-component root

    # -- tags
    def handle_starttag(self, tag, attrs):
        a = {k: (v or "") for k, v in attrs}
        if tag in SKIP_TEXT:
            self._skip += 1
        for name in VISIBLE_ATTRS:
            if a.get(name):
                self.text.append(a[name])
        if tag == "input" and a.get("type") in {"submit", "button", "reset"} and a.get("value"):
            self.text.append(a["value"])
        for attr in ("href", "hx-get"):
            if a.get(attr):
                self.links.append(a[attr])
        searchy = (tag == "input" and (a.get("type") == "search" or a.get("name") in {"q", "search"})) or (
            tag == "form" and "data-list-search" in a
        )
        exporty = tag == "a" and ("export=" in a.get("href", "") or "data-list-export" in a)
        if searchy:
            self._page_search = True
            for r in self._roots:
                r["search"] = True
        if exporty:
            self._page_export = True
            for r in self._roots:
                r["export"] = True
        if tag in VOID:
            return
        if "data-list" in a:
            self._roots.append({"depth": len(self._stack), "search": False, "export": False, "rows": 0})
        if tag == "table":
            self._tables.append({"rows": 0, "in_body": False})
        elif tag == "tbody" and self._tables:
            self._tables[-1]["in_body"] = True
        elif tag == "tr" and self._tables and self._tables[-1]["in_body"]:
            self._tables[-1]["rows"] += 1
        if tag == "ul" and "pagination" in a.get("class", "").split():
            self._pagers += 1
            for r in self._roots:
                r["paged"] = True
        self._stack.append((tag, a))

    def handle_startendtag(self, tag, attrs):
        self.handle_starttag(tag, attrs)
        if tag not in VOID:
            self.handle_endtag(tag)

    def handle_endtag(self, tag):
        if tag in VOID:
            return
        if tag in SKIP_TEXT and self._skip:
            self._skip -= 1
        # Pop to the matching open tag (HTML lets some end tags be left out).
        for i in range(len(self._stack) - 1, -1, -1):
            if self._stack[i][0] == tag:
                del self._stack[i:]
                break
        if tag == "table" and self._tables:
            t = self._tables.pop()
            if self._roots:
                self._roots[-1]["rows"] = max(self._roots[-1]["rows"], t["rows"])
            else:
                self._loose_tables.append(t["rows"])
        while self._roots and self._roots[-1]["depth"] >= len(self._stack):
            r = self._roots.pop()
            self.lists.append(ListBox(r["rows"], r.get("paged", False), True, r["search"], r["export"]))

    def handle_data(self, data):
        if not self._skip and data.strip():
            self.text.append(data)

    def close(self):
        super().close()
        # Lists outside the component: the page's own search box and export link count for them.
        paged = self._pagers > 0 and not any(box.marked and box.paged for box in self.lists)
        for rows in self._loose_tables:
            self.lists.append(ListBox(rows, False, False, self._page_search, self._page_export))
        if paged:
            self.lists.append(ListBox(0, True, False, self._page_search, self._page_export))


def english_words(texts: list[str], allowed: set[str]) -> set[str]:
    found = set()
    for text in texts:
        for word in WORD_RE.findall(text):
            word = word.rstrip(".-/_")
            if word in allowed or DATA_RE.match(word) or not word:
                continue
            found.add(word)
    return found


@dataclass
class CrawlResult:
    visited: dict[str, int] = field(default_factory=dict)  # url -> status
    names: dict[str, set[str]] = field(default_factory=dict)  # url name -> urls
    server_errors: list[str] = field(default_factory=list)
    english: dict[str, set[str]] = field(default_factory=dict)  # url -> words
    unworkable_lists: list[str] = field(default_factory=list)  # url: list without search or export
    downloads: dict[str, str] = field(default_factory=dict)  # url -> file name
    link_sources: dict[str, str] = field(default_factory=dict)  # url -> the page that linked it
    seconds: dict[str, float] = field(default_factory=dict)  # url -> time to answer


# Links a crawl never follows: leaving the session, the API's machine answers, static files.
NEVER = ("/logout/", "/static/", "/api/v1/openapi.json", "/healthz")


def _filename(disposition: str) -> str:
    m = re.search(r"filename\*=utf-8''([^;]+)", disposition, re.IGNORECASE)
    if m:
        return unquote(m.group(1))
    m = re.search(r'filename="?([^";]+)"?', disposition)
    return m.group(1) if m else ""


class Crawler:
    def __init__(self, client, *, allowed: set[str] | None = None, per_name=3, per_path=2, skip=()):
        self.client = client
        self.allowed = ALLOWED_WORDS | (allowed or set())
        self.per_name = per_name
        self.per_path = per_path
        self.skip = tuple(skip)

    def _key(self, url: str) -> tuple[str, str] | None:
        parts = urlsplit(url)
        if parts.scheme or parts.netloc and parts.netloc != "testserver":
            return None
        path = parts.path
        if not path.startswith("/") or path.startswith(NEVER) or path.startswith(self.skip):
            return None
        try:
            match = resolve(path)
        except Resolver404:
            return None
        return match.view_name, path

    def crawl(self, start: list[str], *, limit: int = 2000) -> CrawlResult:
        result = CrawlResult()
        queue = list(dict.fromkeys(start))
        seen = set(queue)
        per_path: dict[str, int] = {}
        while queue and len(result.visited) < limit:
            url = queue.pop(0)
            key = self._key(url)
            if key is None:
                continue
            name, path = key
            paths = result.names.setdefault(name, set())
            if path not in paths and len(paths) >= self.per_name:
                continue
            if per_path.get(path, 0) >= self.per_path:
                continue
            paths.add(path)
            per_path[path] = per_path.get(path, 0) + 1
            began = time.perf_counter()
            response = self.client.get(url)
            result.seconds[url] = time.perf_counter() - began
            result.visited[url] = response.status_code
            if response.status_code >= 500:
                result.server_errors.append(f"{url} → {response.status_code}")
                continue
            if response.status_code in (301, 302, 303):
                target = urljoin(url, response["Location"])
                if target not in seen:
                    seen.add(target)
                    queue.append(target)
                    result.link_sources.setdefault(target, url)
                continue
            disposition = response.get("Content-Disposition", "")
            if disposition:
                result.downloads[url] = _filename(disposition)
                continue
            if "text/html" not in response.get("Content-Type", ""):
                continue
            body = b"".join(response.streaming_content) if response.streaming else response.content
            parser = PageParser()
            parser.feed(body.decode("utf-8", "replace"))
            parser.close()
            words = english_words(parser.text, self.allowed)
            if words:
                result.english[url] = words
            for box in parser.lists:
                if (box.paged or box.rows > 100) and not (box.searchable and box.exportable):
                    result.unworkable_lists.append(url)
                    break
            for link in parser.links:
                target = urljoin(url, link.split("#")[0])
                if target and target not in seen:
                    seen.add(target)
                    queue.append(target)
                    result.link_sources.setdefault(target, url)
        return result
