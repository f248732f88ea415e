"""HTML to the text page's line stream: `transforms/html.py`."""
from __future__ import annotations

from kcna_etl.transforms.html import html_lines

PAGE = """<!doctype html><html><head><title>Factory Built | Aggregator</title>
<style>p { color: red }</style><script>var headline = "Wrong";</script></head>
<body><nav><a href="/">Home</a><a href="/login">Log in</a></nav>
<div class="cookie" style="display: none">We use cookies</div>
<article><h1>Factory
  Built</h1>
<p>Kim Jong Un<span>&#8217;s</span> <em>visit</em> to the <a href="#">factory</a>.</p>
<div>First line<br>Second&nbsp;line</div>
<p hidden>secret</p><!-- a comment --></article>
<form><input value="x"><button>Subscribe</button></form>
</body></html>"""


def test_blocks_become_lines_and_inline_elements_join():
    lines, title = html_lines(PAGE)
    assert title == "Factory Built | Aggregator"
    assert lines == ["Factory Built", "Kim Jong Un\u2019s visit to the factory.", "First line", "Second\u00a0line"]


def test_script_style_nav_forms_and_hidden_elements_are_dropped():
    text = "\n".join(html_lines(PAGE)[0])
    for gone in ("headline", "color", "Home", "Log in", "cookies", "Subscribe", "secret", "comment"):
        assert gone not in text


def test_deeply_nested_markup_does_not_overflow():
    lines, _ = html_lines("<div>" * 5000 + "deep" + "</div>" * 5000)
    assert lines == ["deep"]


def test_preformatted_text_keeps_its_lines():
    lines, _ = html_lines("<html><body><pre>First line.\n\nSecond  line.\n</pre></body></html>")
    assert lines == ["First line.", "Second  line."]
