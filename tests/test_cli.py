"""`claimflag analyze` on text, HTML and stdin."""

import json

from click.testing import CliRunner

from claimflag.cli import main
from claimflag.pages import blocks_from_html

ARTICLE = """<!doctype html><html><head><title>t</title><style>p{color:red}</style>
<script>var s = "Officials said 99 people were hurt.";</script></head><body>
<nav><p>Home</p></nav>
<h1>Storm hits the coast</h1>
<p>This article contains affiliate links, and we earn a commission on purchases.</p>
<p>The harbour authority said 14 boats sank during the storm on Tuesday.</p>
<ul><li><p>A nested paragraph in a list item about nothing much.</p></li></ul>
</body></html>"""


def _env(redis_url, tmp_path):
    return {"CLAIMFLAG_REDIS_URL": redis_url, "CLAIMFLAG_DATA_DIR": str(tmp_path)}


def test_html_blocks_skip_scripts_styles_and_navigation():
    blocks = blocks_from_html(ARTICLE)
    assert blocks == ["Storm hits the coast",
                      "This article contains affiliate links, and we earn a commission on purchases.",
                      "The harbour authority said 14 boats sank during the storm on Tuesday.",
                      "A nested paragraph in a list item about nothing much."]


def test_analyze_html_file_prints_flags(tmp_path, redis_url):
    page = tmp_path / "page.html"
    page.write_text(ARTICLE, encoding="utf-8")
    result = CliRunner().invoke(main, ["analyze", str(page)], env=_env(redis_url, tmp_path))
    assert result.exit_code == 0, result.output
    assert "14 boats sank" in result.output
    assert "[claim:" in result.output
    assert "99 people" not in result.output


def test_analyze_stdin_json_is_the_api_response(tmp_path, redis_url, sample_column):
    text = "\n".join(sample_column)
    result = CliRunner().invoke(main, ["analyze", "-", "--json"], input=text,
                                env=_env(redis_url, tmp_path))
    assert result.exit_code == 0, result.output
    body = json.loads(result.output)
    assert body["offsets"] == "utf16"
    assert len(body["blocks"]) == len(sample_column)
    assert body["page"]["counts"]["disclosure"] >= 1
