"""WeChat's wire format: signed plaintext, compatible and safe-mode (AES) messages exactly as WeChat posts them."""

from __future__ import annotations

import hashlib
import itertools
import secrets
import time
from dataclasses import dataclass
from urllib.parse import urlencode

from wechatpy.crypto import PrpCrypto, WeChatCrypto

TOKEN = "unionbot-test-token"
APPID = "wx0123456789abcdef"
SECRET = "test-app-secret"
AES_KEY = "abcdefghijklmnopqrstuvwxyz0123456789ABCDEFG"  # 43 characters, as WeChat issues them
ACCOUNT = "gh_0123456789ab"

_msg_ids = itertools.count(7_000_000_000_000_000_001)


def sign(*parts: str) -> str:
    """WeChat's signature: sha1 of the sorted parts joined."""
    return hashlib.sha1("".join(sorted(parts)).encode()).hexdigest()


def text_xml(user: str, content: str, msg_id: int | None = None, create_time: int | None = None) -> str:
    """A text message."""
    return (
        f"<xml><ToUserName><![CDATA[{ACCOUNT}]]></ToUserName><FromUserName><![CDATA[{user}]]></FromUserName>"
        f"<CreateTime>{create_time or int(time.time())}</CreateTime><MsgType><![CDATA[text]]></MsgType>"
        f"<Content><![CDATA[{content}]]></Content><MsgId>{msg_id or next(_msg_ids)}</MsgId></xml>"
    )


def voice_xml(user: str, recognition: str | None, msg_id: int | None = None) -> str:
    """A voice message, with WeChat's speech recognition when given."""
    recognised = f"<Recognition><![CDATA[{recognition}]]></Recognition>" if recognition is not None else ""
    return (
        f"<xml><ToUserName><![CDATA[{ACCOUNT}]]></ToUserName><FromUserName><![CDATA[{user}]]></FromUserName>"
        f"<CreateTime>{int(time.time())}</CreateTime><MsgType><![CDATA[voice]]></MsgType>"
        f"<MediaId><![CDATA[media-1]]></MediaId><Format><![CDATA[amr]]></Format>{recognised}"
        f"<MsgId>{msg_id or next(_msg_ids)}</MsgId></xml>"
    )


def event_xml(user: str, event: str, key: str | None = None, create_time: int | None = None) -> str:
    """An event (subscribe, unsubscribe, CLICK …); events carry no MsgId."""
    event_key = f"<EventKey><![CDATA[{key}]]></EventKey>" if key is not None else ""
    return (
        f"<xml><ToUserName><![CDATA[{ACCOUNT}]]></ToUserName><FromUserName><![CDATA[{user}]]></FromUserName>"
        f"<CreateTime>{create_time or int(time.time())}</CreateTime><MsgType><![CDATA[event]]></MsgType>"
        f"<Event><![CDATA[{event}]]></Event>{event_key}</xml>"
    )


@dataclass(frozen=True, slots=True)
class Signed:
    """A request as WeChat sends it: the query string and the body."""

    query: str
    body: bytes


def plaintext(
    xml: str, *, token: str = TOKEN, nonce: str | None = None, timestamp: int | None = None
) -> Signed:
    """明文模式: the XML as it is, `signature` over token, timestamp and nonce (a fresh nonce unless given)."""
    nonce = nonce or secrets.token_hex(8)
    timestamp = str(timestamp if timestamp is not None else int(time.time()))
    query = {
        "signature": sign(token, timestamp, nonce),
        "timestamp": timestamp,
        "nonce": nonce,
        "openid": "x",
    }
    return Signed(urlencode(query), xml.encode())


def encrypted(
    xml: str,
    *,
    compatible: bool = False,
    nonce: str | None = None,
    timestamp: int | None = None,
    cipher: str | None = None,
) -> Signed:
    """安全模式 (or 兼容模式 with the plaintext fields beside the ciphertext): encrypt_type=aes, msg_signature.

    `cipher` replaces the real ciphertext (signed all the same), to test what is not one.
    """
    nonce = nonce or secrets.token_hex(8)
    timestamp_text = str(timestamp if timestamp is not None else int(time.time()))
    if cipher is None:
        key = WeChatCrypto(TOKEN, AES_KEY, APPID).key
        made = PrpCrypto(key).encrypt(xml, APPID)
        cipher = made.decode() if isinstance(made, bytes) else made
    inner = (
        xml[len("<xml>") : -len("</xml>")]
        if compatible
        else f"<ToUserName><![CDATA[{ACCOUNT}]]></ToUserName>"
    )
    body = f"<xml>{inner}<Encrypt><![CDATA[{cipher}]]></Encrypt></xml>"
    query = {
        "signature": sign(TOKEN, timestamp_text, nonce),
        "timestamp": timestamp_text,
        "nonce": nonce,
        "openid": "x",
        "encrypt_type": "aes",
        "msg_signature": sign(TOKEN, timestamp_text, nonce, cipher),
    }
    return Signed(urlencode(query), body.encode())


def decrypt_reply(xml: str) -> str:
    """The plaintext of an encrypted passive reply, its msg_signature checked."""
    import xmltodict

    envelope = xmltodict.parse(xml)["xml"]
    crypto = WeChatCrypto(TOKEN, AES_KEY, APPID)
    decrypted: str = crypto.decrypt_message(
        {"Encrypt": envelope["Encrypt"]}, envelope["MsgSignature"], envelope["TimeStamp"], envelope["Nonce"]
    )
    return decrypted
