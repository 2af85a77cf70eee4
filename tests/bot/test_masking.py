import io
import logging

from bot.logs import setup_logging
from bot.masking import mask_personal, mask_secrets


def test_phones_and_id_numbers_are_masked() -> None:
    text = "我叫张三，电话13812345678，身份证110101199003071234"
    masked = mask_personal(text)
    assert "13812345678" not in masked and "138****5678" in masked
    assert "110101199003071234" not in masked and "110101********1234" in masked


def test_ordinary_numbers_are_left_alone() -> None:
    assert mask_personal("欠了23000元，干了8年") == "欠了23000元，干了8年"


def test_secrets_in_urls_and_known_values_are_hidden() -> None:
    line = (
        "POST https://api.telegram.org/bot123456:AAH-abcdefghijklmnopqrstuvwxyz012/sendMessage "
        "GET https://api.weixin.qq.com/cgi-bin/token?grant_type=client_credential&appid=wx1&secret=s3cr3tvalue "
        "postgresql://postgres:hunter2pw@db:5432/union aes=my-configured-aes-key"
    )
    masked = mask_secrets(line, ["my-configured-aes-key"])
    for secret in ("AAH-abcdefghijklmnopqrstuvwxyz012", "s3cr3tvalue", "hunter2pw", "my-configured-aes-key"):
        assert secret not in masked
    assert "api.telegram.org" in masked and "grant_type=client_credential" in masked


def test_exception_text_and_tracebacks_are_masked_in_the_log() -> None:
    stream = io.StringIO()
    setup_logging(secrets=["wechat-app-secret-123"], stream=stream)
    try:
        try:
            raise ValueError("INSERT failed: parameters ('张三', '13812345678', 'wechat-app-secret-123')")
        except ValueError:
            logging.getLogger("bot.test").exception("turn failed for 13900001111")
        logging.getLogger("httpx").info("HTTP Request: POST https://api.telegram.org/bot1:x/sendMessage")
    finally:
        setup_logging()
    written = stream.getvalue()
    assert "Traceback" in written and "ValueError" in written
    assert "13812345678" not in written and "138****5678" in written
    assert "13900001111" not in written and "wechat-app-secret-123" not in written
    assert "sendMessage" not in written  # httpx is quiet below WARNING
