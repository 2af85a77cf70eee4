"""The channel registry: which channels are on, from the settings (a channel is on when it is configured)."""

from __future__ import annotations

from bot.channels.base import (
    BadPayload,
    Channel,
    ChannelError,
    Delivery,
    OutboxRow,
    PayloadTooLarge,
    SignatureError,
)
from bot.runtime import Runtime

__all__ = [
    "BadPayload",
    "Channel",
    "ChannelError",
    "Delivery",
    "OutboxRow",
    "PayloadTooLarge",
    "Runtime",
    "SignatureError",
    "enabled_channels",
]


def enabled_channels(runtime: Runtime) -> list[Channel]:
    """Every channel whose settings are present: web (unless switched off), WeChat, Telegram."""
    settings = runtime.services.settings
    channels: list[Channel] = []
    if settings.server.web_chat:
        from bot.channels.web import WebChannel

        channels.append(WebChannel(runtime))
    if settings.wechat.enabled:
        from bot.channels.wechat import WechatChannel

        channels.append(
            WechatChannel(runtime, settings.wechat, passive_seconds=settings.server.passive_reply_seconds)
        )
    if settings.telegram.enabled:
        from bot.channels.telegram import TelegramChannel

        channels.append(TelegramChannel(runtime, settings.telegram))
    return channels
