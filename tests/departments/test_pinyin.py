"""The unit picker's search keys: names, aliases and their pinyin initials."""

from departments.pinyin import initials, search_key


def test_initials_are_the_first_letter_of_each_characters_pinyin():
    assert initials("区发改局") == "qfgj"
    assert initials("区教育局") == "qjyj"


def test_initials_drop_brackets_and_keep_latin_letters_and_digits_lower_cased():
    assert initials("区审管办（跑改办）") == "qsgbpgb"
    assert initials("国网萧山供电公司A1") == "gwxsgdgsa1"


def test_search_key_holds_every_name_and_its_initials_once():
    key = search_key("区发改局", ["区发展改革局", "发改局"])
    assert key.split() == ["区发改局", "区发展改革局", "发改局", "qfgj", "qfzggj", "fgj"]
    assert "fgj" in key and "发改" in key
