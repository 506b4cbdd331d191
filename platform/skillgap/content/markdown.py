"""Markdown to safe HTML: the only place our code produces HTML from content.

python-markdown does no sanitising at all, so its output always goes through
nh3 with an allow-list: no script, style, iframes, forms, event handlers or
``style`` attributes survive, links may only use http(s), mailto or relative
URLs, and every link gets ``rel="noopener noreferrer"``. Templates may mark
this function's output ``|safe``; nothing else.
"""

from __future__ import annotations

import functools
import os
import re
from collections.abc import Iterator, Sequence
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass
from multiprocessing import get_all_start_methods, get_context

import nh3
from markupsafe import Markup, escape

from skillgap.catalogue import N_
from skillgap.content.citations import MARKER, mark_citations
from skillgap.i18n import translate

EXTENSIONS = ["tables", "fenced_code", "admonition", "footnotes", "toc", "sane_lists"]
SECTION_ID_PREFIX = "sec-"


def _section_id(value: str, separator: str) -> str:
    from markdown.extensions.toc import slugify  # markdown is imported only to render

    return SECTION_ID_PREFIX + slugify(value, separator)


EXTENSION_CONFIG: dict[str, dict] = {
    # align="..." instead of style="text-align: ...", which the sanitiser drops.
    "tables": {"use_align_attribute": True},
    "toc": {
        # Section ids carry a prefix, so no heading can take an id the page itself
        # uses (id="main" would hijack the skip link: DOM clobbering).
        "slugify": lambda value, separator: _section_id(value, separator),
        "permalink": "#",
        "permalink_title": N_("Link to this section"),
        "toc_depth": "2-3",
    },
    "footnotes": {"BACKLINK_TITLE": N_("Back to reference %d")},
}
TABLE_LABEL = N_("Table")


def extension_config(locale: str) -> dict:
    """The extensions' settings, with their texts in the language of the content."""
    config: dict[str, dict] = {name: dict(values) for name, values in EXTENSION_CONFIG.items()}
    config["toc"]["permalink_title"] = translate(config["toc"]["permalink_title"], locale)
    backlink = config["footnotes"]["BACKLINK_TITLE"]
    config["footnotes"]["BACKLINK_TITLE"] = translate(backlink, locale)
    return config


ALLOWED_TAGS = {
    "a",
    "abbr",
    "blockquote",
    "br",
    "code",
    "dd",
    "del",
    "div",
    "dl",
    "dt",
    "em",
    "h1",
    "h2",
    "h3",
    "h4",
    "h5",
    "h6",
    "hr",
    "img",
    "li",
    "ol",
    "p",
    "pre",
    "s",
    "strong",
    "sub",
    "sup",
    "table",
    "tbody",
    "td",
    "tfoot",
    "th",
    "thead",
    "tr",
    "ul",
}
ALLOWED_ATTRIBUTES = {
    "a": {"href", "title", "id"},
    "abbr": {"title"},
    "img": {"src", "alt", "title"},
    "th": {"align"},
    "td": {"align"},
    "ol": {"start"},
    "li": {"id"},
    "sup": {"id"},
    **{f"h{n}": {"id"} for n in range(1, 7)},
}
ALLOWED_CLASSES = {
    "div": {"admonition", "note", "tip", "warning", "footnote", "toc", "answer"},
    "p": {"admonition-title"},
    "a": {"footnote-ref", "footnote-backref", "headerlink"},
    "ol": set(),
}
URL_SCHEMES = {"http", "https", "mailto"}
# Only the ids our own rendering makes: section anchors and footnotes. An id of
# an author's choosing could shadow one of the page's (DOM clobbering).
SAFE_ID = re.compile(r"^(sec-|fn:|fnref:)[A-Za-z0-9_:.-]{1,100}$")
LEADING_H1 = re.compile(r"\A\s*#\s+[^\n]*\n")
# A model answer: '??? answer "Title"' and an indented body, as an admonition
# until after sanitising, then a <details> of our own making (answer_disclosures).
ANSWER_BLOCK = re.compile(r'^\?\?\? answer(?= "|\s*$)', re.M)
ANSWER_START = '<div class="admonition answer">\n<p class="admonition-title">'


def _keep_safe_attribute(tag: str, attribute: str, value: str) -> str | None:
    if attribute == "id" and not SAFE_ID.match(value):
        return None
    if attribute == "align" and value not in {"left", "right", "center"}:
        return None
    return value


def sanitise(html: str) -> str:
    return nh3.clean(
        html,
        tags=ALLOWED_TAGS,
        attributes=ALLOWED_ATTRIBUTES,
        allowed_classes=ALLOWED_CLASSES,
        attribute_filter=_keep_safe_attribute,
        url_schemes=URL_SCHEMES,
        link_rel="noopener noreferrer",
        strip_comments=True,
    )


def answer_disclosures(html: str) -> str:
    """Model answers folded away until opened (<details>, no JavaScript needed).

    Made here, after sanitising, from the admonition that ``??? answer`` became:
    the sanitiser allows no <details> of an author's own (a ``<details open
    ontoggle=...>`` in content is removed), and this output holds only what the
    sanitiser let through, inside a <details> and <summary> we write."""
    out: list[str] = []
    rest = html
    while (start := rest.find(ANSWER_START)) >= 0:
        out.append(rest[:start])
        rest = rest[start + len(ANSWER_START) :]
        title_end = rest.find("</p>")
        out.append(f'<details class="answer">\n<summary>{rest[:title_end]}</summary>')
        rest = rest[title_end + len("</p>") :]
        end = _closing_div(rest)
        out.append(rest[:end] + "</details>")
        rest = rest[end + len("</div>") :]
    out.append(rest)
    return "".join(out)


def _closing_div(html: str) -> int:
    """Where the <div> this text is inside closes (sanitised HTML is well formed)."""
    depth = 0
    for match in re.finditer(r"<div\b|</div>", html):
        if match.group() == "</div>":
            if depth == 0:
                return match.start()
            depth -= 1
        else:
            depth += 1
    return len(html)


def make_scrollers_focusable(html: str, label: str = TABLE_LABEL) -> str:
    """Wide tables and code blocks scroll sideways on small screens; keyboard users
    must be able to reach them (WCAG: scrollable regions are focusable). Applied to
    sanitised output, where <table> and <pre> never carry attributes."""
    html = html.replace(
        "<table>",
        f'<div class="table-scroll" tabindex="0" role="region" aria-label="{label}">\n<table>',
    ).replace("</table>", "</table>\n</div>")
    return html.replace("<pre>", '<pre tabindex="0">')


def plain_text(html: str) -> str:
    text = nh3.clean(html, tags=set())
    text = re.sub(r"&[a-z]+;|&#\d+;", " ", text)
    return re.sub(r"\s+", " ", text).strip()


@dataclass(frozen=True)
class Rendered:
    html: str
    toc_html: str
    text: str

    @property
    def word_count(self) -> int:
        return len(re.findall(r"[\w'\u2019%-]+", self.text))


def render(source: str, drop_leading_title: bool = False, locale: str = "en") -> Rendered:
    """Render Markdown to sanitised HTML, a sanitised table of contents and plain text.

    ``drop_leading_title`` removes a first ``# Title`` line: module pages show
    the title from the front matter, so the page keeps a single h1. ``locale``:
    the content's language, for the few words the rendering adds (a section
    link's title, a table's label).
    """
    if drop_leading_title:
        source = LEADING_H1.sub("", source, count=1)
    # Imported here: pages serve stored HTML, so only imports and the editor's
    # preview convert Markdown, and the site starts faster without it.
    import markdown

    converter = markdown.Markdown(extensions=EXTENSIONS, extension_configs=extension_config(locale))
    source = mark_citations(ANSWER_BLOCK.sub("!!! answer", source))
    html = sanitise(converter.convert(source))
    html = answer_disclosures(html)
    text = MARKER.sub(" ", plain_text(html))  # citations are not the module's words
    html = make_scrollers_focusable(html, str(escape(translate(TABLE_LABEL, locale))))
    toc_tokens = getattr(converter, "toc_tokens", [])
    toc_html = sanitise(converter.toc) if toc_tokens else ""
    return Rendered(html=html, toc_html=toc_html, text=text)


# Rendering is most of an import's time (about 10 ms for a module of 1,000
# words); past this many modules, spreading it over the machine's cores pays for
# starting the worker processes.
PARALLEL_FROM = 64


def render_many(sources: Sequence[str], drop_leading_title: bool = False) -> Iterator[Rendered]:
    """``render`` for each source, in order; in worker processes when there are many.

    Workers are forked (no re-import) and only render text: they never touch the
    database connections they inherit. Without fork, or when the pool cannot
    start, the same work runs here."""
    workers = min(os.cpu_count() or 1, 8)
    if len(sources) < PARALLEL_FROM or workers < 2 or "fork" not in get_all_start_methods():
        yield from (render(source, drop_leading_title) for source in sources)
        return
    job = functools.partial(render, drop_leading_title=drop_leading_title)
    try:
        pool = ProcessPoolExecutor(max_workers=workers, mp_context=get_context("fork"))
    except OSError:
        yield from (render(source, drop_leading_title) for source in sources)
        return
    with pool:
        yield from pool.map(job, sources, chunksize=16)


INLINE_CODE = re.compile(r"`([^`\n]{1,500})`")


def inline_code(text: str | None) -> Markup:
    """Plain text (a question, an option, an explanation) escaped, with its
    `backtick` spans as <code>: questions quote URLs and parameters that way."""
    escaped = str(escape(text or ""))
    return Markup(INLINE_CODE.sub(r"<code>\1</code>", escaped))  # noqa: S704  # nosec B704 (escaped above)
