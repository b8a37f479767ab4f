"""Every bad request gets its 4xx JSON error, and the service answers normally after."""

import json

import pytest

from conftest import analyze

GOOD = {"blocks": [{"id": "b0", "text": "The council said 40 homes were flooded on Monday."}]}


def _post(client, body: bytes | str, content_type="application/json"):
    return client.post("/v1/analyze", data=body, content_type=content_type)


def _json(obj) -> str:
    return json.dumps(obj)


def _assert_error(response, status, field=None):
    assert response.status_code == status, response.data[:300]
    assert response.mimetype == "application/json"
    error = response.get_json()["error"]
    assert isinstance(error["code"], str) and error["code"]
    assert isinstance(error["message"], str) and error["message"]
    if field is not None:
        assert error["field"] == field
    return error


BAD_BODIES = [
    ("malformed JSON", b'{"blocks": [', 400, None),
    ("trailing garbage", b'{"blocks": []} x', 400, None),
    ("invalid UTF-8", b'{"blocks": [{"id": "b0", "text": "caf\xe9"}]}', 400, None),
    ("NaN", b'{"blocks": [], "x": NaN}', 400, None),
    ("deeply nested", b'{"blocks": ' + b"[" * 5000 + b"]" * 5000 + b"}", 400, None),
    ("moderately nested", _json({"blocks": [[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]}).encode(), 400, None),
    ("top-level array", _json([GOOD]).encode(), 422, None),
    ("top-level string", b'"blocks"', 422, None),
    ("missing blocks", _json({}).encode(), 422, "blocks"),
    ("extra field", _json({**GOOD, "colour": "red"}).encode(), 422, "colour"),
    ("blocks not a list", _json({"blocks": {"id": "b0"}}).encode(), 422, "blocks"),
    ("text not a string", _json({"blocks": [{"id": "b0", "text": 42}]}).encode(), 422, "blocks[0].text"),
    ("missing text", _json({"blocks": [{"id": "b0"}]}).encode(), 422, "blocks[0].text"),
    ("id not a string", _json({"blocks": [{"id": 3, "text": "x"}]}).encode(), 422, "blocks[0].id"),
    ("empty id", _json({"blocks": [{"id": "", "text": "x"}]}).encode(), 422, "blocks[0].id"),
    ("extra block field", _json({"blocks": [{"id": "b0", "text": "x", "html": "<p>"}]}).encode(), 422, "blocks[0].html"),
    ("url not a string", _json({**GOOD, "url": 7}).encode(), 422, "url"),
    ("unknown kind", _json({**GOOD, "kinds": ["claim", "rumour"]}).encode(), 422, "kinds[1]"),
    ("empty kinds", _json({**GOOD, "kinds": []}).encode(), 422, "kinds"),
    ("repeated kind", _json({**GOOD, "kinds": ["claim", "claim"]}).encode(), 422, "kinds"),
    ("duplicate block ids", _json({"blocks": [{"id": "a", "text": "x"}, {"id": "a", "text": "y"}]}).encode(), 422, "blocks[1].id"),
    ("lone surrogate", b'{"blocks": [{"id": "b0", "text": "broken \\ud83d emoji"}]}', 422, "blocks[0].text"),
    ("NUL character", b'{"blocks": [{"id": "b0", "text": "nul \\u0000 here"}]}', 422, "blocks[0].text"),
]


def _linked(*links, text="See the report."):
    return _json({"blocks": [{"id": "a", "text": "x"}, {"id": "b", "text": text, "links": list(links)}]}).encode()


# Link ranges: pairs of ints, 0 <= start < end <= the block's length in UTF-16
# units (an emoji counts two), at most 200 a block.
BAD_BODIES += [
    ("links not a list", _json({"blocks": [{"id": "a", "text": "x", "links": {"0": 1}}]}).encode(), 422,
     "blocks[0].links"),
    ("links null", _json({"blocks": [{"id": "a", "text": "x", "links": None}]}).encode(), 422, "blocks[0].links"),
    ("link not a pair", _linked([0, 3], [1, 2, 3]), 422, "blocks[1].links[1]"),
    ("link of one number", _linked([4]), 422, "blocks[1].links[0]"),
    ("link of strings", _linked(["0", "3"]), 422, "blocks[1].links[0][0]"),
    ("link of floats", _linked([0, 2.5]), 422, "blocks[1].links[0][1]"),
    ("link of booleans", _linked([False, True]), 422, "blocks[1].links[0][0]"),
    ("empty link", _linked([0, 3], [5, 5]), 422, "blocks[1].links[1]"),
    ("reversed link", _linked([7, 3]), 422, "blocks[1].links[0]"),
    ("negative link", _linked([-1, 3]), 422, "blocks[1].links[0]"),
    ("link past the end", _linked([4, 16]), 422, "blocks[1].links[0]"),
    ("link past the end in UTF-16 units", _linked([0, 6], text="😀 ab"), 422, "blocks[1].links[0]"),
    ("too many links", _linked(*[[0, 1]] * 201), 422, "blocks[1].links"),
]


@pytest.mark.parametrize("name,body,status,field", BAD_BODIES, ids=[b[0] for b in BAD_BODIES])
def test_bad_body_gets_json_error_then_service_still_answers(client, name, body, status, field):
    _assert_error(_post(client, body), status, field)
    assert analyze(client, [GOOD["blocks"][0]["text"]])["offsets"] == "utf16"


def test_link_ranges_up_to_the_limit_and_the_utf16_end_are_accepted(client):
    text = "😀 See the report."   # 18 UTF-16 units, 17 code points
    body = {"blocks": [{"id": "b0", "text": text, "links": [[0, 18]] + [[3, 6]] * 199}]}
    assert client.post("/v1/analyze", json=body).status_code == 200


@pytest.mark.parametrize("content_type", ["text/plain", "application/x-www-form-urlencoded",
                                          "multipart/form-data; boundary=x", ""])
def test_body_that_is_not_json_is_415(client, content_type):
    _assert_error(_post(client, _json(GOOD), content_type=content_type), 415)


def test_json_with_charset_is_accepted(client):
    assert _post(client, _json(GOOD), "application/json; charset=utf-8").status_code == 200


def test_body_over_the_limit_is_413(redis_url, tmp_path):
    from claimflag import create_app
    app = create_app({"REDIS_URL": redis_url, "DATA_DIR": str(tmp_path), "MAX_BODY_BYTES": 1000})
    client = app.test_client()
    body = _json({"blocks": [{"id": "b0", "text": "word " * 400}]})
    _assert_error(_post(client, body), 413)
    assert client.post("/v1/analyze", json=GOOD).status_code == 200


def test_too_many_blocks_is_422(redis_url, tmp_path):
    from claimflag import create_app
    app = create_app({"REDIS_URL": redis_url, "DATA_DIR": str(tmp_path), "MAX_BLOCKS": 3})
    body = {"blocks": [{"id": f"b{i}", "text": "x"} for i in range(4)]}
    _assert_error(app.test_client().post("/v1/analyze", json=body), 422, "blocks")


def test_block_over_the_length_limit_is_422(client, app):
    limit = app.config["CLAIMFLAG"].MAX_BLOCK_CHARS
    body = {"blocks": [{"id": "b0", "text": "ok"}, {"id": "b1", "text": "a" * (limit + 1)}]}
    _assert_error(client.post("/v1/analyze", json=body), 422, "blocks[1].text")


def test_block_limit_counts_utf16_units_like_the_browser(client, app):
    limit = app.config["CLAIMFLAG"].MAX_BLOCK_CHARS
    # limit // 2 + 1 emoji are fewer code points than the limit but more UTF-16 units.
    body = {"blocks": [{"id": "b0", "text": "😀" * (limit // 2 + 1)}]}
    _assert_error(client.post("/v1/analyze", json=body), 422, "blocks[0].text")


def test_total_text_over_the_limit_is_422(client, app):
    config = app.config["CLAIMFLAG"]
    per_block = config.MAX_BLOCK_CHARS
    count = config.MAX_TOTAL_CHARS // per_block + 1
    body = {"blocks": [{"id": f"b{i}", "text": "a" * per_block} for i in range(count)]}
    _assert_error(client.post("/v1/analyze", json=body), 422, "blocks")


def test_url_over_the_limit_is_422(client, app):
    limit = app.config["CLAIMFLAG"].MAX_URL_CHARS
    body = {**GOOD, "url": "https://example.com/" + "a" * limit}
    _assert_error(client.post("/v1/analyze", json=body), 422, "url")


@pytest.mark.parametrize("method", ["GET", "PUT", "DELETE", "PATCH"])
def test_wrong_method_is_405_json(client, method):
    error = _assert_error(client.open("/v1/analyze", method=method), 405)
    assert error["code"] == "method_not_allowed"


@pytest.mark.parametrize("path", ["/", "/v1", "/v1/analyse", "/v2/analyze", "/static/x.js"])
def test_unknown_path_is_404_json(client, path):
    _assert_error(client.get(path), 404)


def test_errors_carry_no_html_or_stack_trace(client):
    response = _post(client, b'{"blocks": [')
    text = response.get_data(as_text=True)
    assert "<html" not in text.lower() and "Traceback" not in text
