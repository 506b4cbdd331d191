"""The one Markdown pipeline: features authors need, and nothing dangerous survives."""

from __future__ import annotations

import re
from html.parser import HTMLParser

import pytest

from skillgap.content.markdown import render

XSS_PAYLOADS = [
    "<script>alert('xss')</script>",
    "<SCRIPT SRC=//evil.example/x.js></SCRIPT>",
    '<img src=x onerror="alert(1)">',
    "<img src=\"javascript:alert('x')\">",
    '<svg/onload=alert(1)><circle r="1"/></svg>',
    "<svg><script>alert(1)</script></svg>",
    "<math><mtext><table><mglyph><style><img src=x onerror=alert(1)>"
    "</style></mglyph></table></mtext></math>",
    "[click me](javascript:alert(1))",
    "[click me](JaVaScRiPt:alert(1))",
    "[entity trick](&#106;&#97;&#118;&#97;&#115;&#99;&#114;&#105;&#112;&#116;&#58;alert(1))",
    "[data link](data:text/html;base64,PHNjcmlwdD5hbGVydCgxKTwvc2NyaXB0Pg==)",
    "![image](javascript:alert(1))",
    '![image" onerror="alert(1)](https://example.org/x.png)',
    '<iframe src="https://evil.example"></iframe>',
    '<form action="https://evil.example"><input name="password"></form>',
    '<a href="https://example.org" onclick="alert(1)" style="color:red">styled</a>',
    '<div style="background:url(javascript:alert(1))">bg</div>',
    '<object data="https://evil.example/x.swf"></object><embed src=x>',
    '<details open ontoggle="alert(1)">x</details>',
    "<body onload=alert(1)>",
    '<a href="vbscript:msgbox(1)">vb</a>',
    "<!-- <script>alert(1)</script> -->",
    '<base href="https://evil.example/">',
    '<meta http-equiv="refresh" content="0;url=https://evil.example">',
    "<style>body{display:none}</style>",
]


DANGEROUS_TAGS = {
    "script",
    "iframe",
    "form",
    "input",
    "object",
    "embed",
    "svg",
    "math",
    "style",
    "base",
    "meta",
    "body",
    "details",
    "link",
}


class ActiveContentFinder(HTMLParser):
    """Parses the output as a browser would and lists anything that could run
    code, restyle the page or navigate away."""

    def __init__(self) -> None:
        super().__init__()
        self.problems: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag in DANGEROUS_TAGS:
            self.problems.append(f"<{tag}>")
        for name, value in attrs:
            if name.startswith("on"):
                self.problems.append(f"{tag} {name}=")
            if name == "style":
                self.problems.append(f"{tag} style=")
            if name in {"href", "src"} and value is not None:
                cleaned = re.sub(r"[\x00-\x20]", "", value).lower()
                if cleaned.startswith(("javascript:", "data:", "vbscript:")):
                    self.problems.append(f"{tag} {name}={value}")


def active_content(html: str) -> list[str]:
    finder = ActiveContentFinder()
    finder.feed(html)
    finder.close()
    return finder.problems


def test_at_least_fifteen_classic_payloads():
    assert len(XSS_PAYLOADS) >= 15


@pytest.mark.parametrize("payload", XSS_PAYLOADS)
def test_no_payload_survives_rendering(payload: str):
    html = render(f"# Title\n\nBefore {payload} after\n\n{payload}\n").html
    assert active_content(html) == [], html


def test_a_module_with_every_payload_renders_inert():
    source = "\n\n".join(f"Paragraph {n}: {payload}" for n, payload in enumerate(XSS_PAYLOADS))
    rendered = render(source)
    assert active_content(rendered.html) == []
    assert "Paragraph 24" in rendered.html  # the text around the payloads is kept


def test_authoring_features_render():
    source = """# Module title

## Engagement rate

Text with a footnote.[^1] And a [link](https://example.org/page) and [internal](/courses).

| metric | formula |
|:---|---:|
| ER by reach | engagements / reach x 100 |

```
reach = unique accounts
```

!!! tip "Pick one formula"
    Use engagement rate by reach for your own content.

### Details

[^1]: Source: the platform's help page.
"""
    rendered = render(source, drop_leading_title=True)
    html = rendered.html
    assert "<h1" not in html  # the page prints the title itself
    assert '<h2 id="sec-engagement-rate">' in html
    assert 'class="headerlink" href="#sec-engagement-rate"' in html  # prefixed: no clobbering
    assert '<th align="left">metric</th>' in html and '<td align="right">' in html
    assert '<pre tabindex="0"><code>reach = unique accounts' in html
    assert '<div class="table-scroll" tabindex="0" role="region"' in html
    assert '<div class="admonition tip">' in html
    assert '<p class="admonition-title">Pick one formula</p>' in html
    assert 'class="footnote-ref"' in html and 'class="footnote"' in html
    assert 'href="https://example.org/page" rel="noopener noreferrer"' in html
    assert 'href="#sec-engagement-rate"' in rendered.toc_html
    assert 'href="#sec-details"' in rendered.toc_html
    assert rendered.word_count >= 30
    assert "engagements / reach x 100" in rendered.text


def test_unknown_classes_and_ids_are_dropped():
    html = render('<div class="admonition evil" id="x y">t</div>').html
    assert "evil" not in html and 'id="x y"' not in html


def test_rendering_many_modules_in_worker_processes_gives_the_same_html():
    from skillgap.content.markdown import PARALLEL_FROM, render, render_many

    sources = [
        f"# Title {n}\n\n## Part {n}\n\nSome *text* with a [link](https://example.org/{n}).\n\n"
        f"| a | b |\n|---|---|\n| {n} | <script>x</script> |\n"
        for n in range(PARALLEL_FROM + 6)
    ]
    expected = [render(source, drop_leading_title=True) for source in sources]
    assert list(render_many(sources, drop_leading_title=True)) == expected


def test_content_cannot_take_an_id_the_page_uses():
    """DOM clobbering: a heading "Main" or an author's id="main" would shadow the
    page's own <main id="main"> (the skip link's target) or id="take-form"."""
    html = render('## Main\n\n<a id="main" href="#x">x</a> <a id="take-form">y</a>\n').html
    ids = re.findall(r'id="([^"]+)"', html)
    assert ids == ["sec-main"]
