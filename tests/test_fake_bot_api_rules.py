"""The Telegram rules the fake server applies, checked directly."""

from __future__ import annotations

from fake_bot_api_rules import auto_entities, parse_html, utf16_length


def test_users_messages_get_command_and_mention_entities() -> None:
    entities = auto_entities("/check@fraud_test_bot hi @fraud_test_bot")
    assert [(e["type"], e["offset"], e["length"]) for e in entities] == [
        ("bot_command", 0, 21),
        ("mention", 25, 15),
    ]


def test_numeric_entities_and_quotes_decode() -> None:
    assert parse_html("It&#x27;s &quot;fine&quot; &#60;") == ('It\'s "fine" <', [])


def test_entities_offsets_count_utf16_code_units() -> None:
    text, entities = parse_html("😀 <b>ok</b>")
    assert text == "😀 ok"
    assert entities == [{"type": "bold", "offset": 3, "length": 2}]
    assert utf16_length(text) == 5
