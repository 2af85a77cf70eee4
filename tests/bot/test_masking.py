from bot.masking import mask_personal


def test_phones_and_id_numbers_are_masked() -> None:
    text = "我叫张三，电话13812345678，身份证110101199003071234"
    masked = mask_personal(text)
    assert "13812345678" not in masked and "138****5678" in masked
    assert "110101199003071234" not in masked and "110101********1234" in masked


def test_ordinary_numbers_are_left_alone() -> None:
    assert mask_personal("欠了23000元，干了8年") == "欠了23000元，干了8年"
