"""The project's exception tree; each entry point converts it at one boundary.

BotError
├── SaidError          a refusal or failure already worded for staff (knowledge/replies): printed as it is
├── ConfigError        config.toml unreadable or invalid, bad environment override
├── DatabaseError      database URL unusable or database unreachable
└── KnowledgeFileError a knowledge file is broken (wraps knowledge.KnowledgeError)
"""


class BotError(Exception):
    """Any failure a user of the command line can fix; printed as one line, exit status 1."""


class SaidError(BotError):
    """A refusal or failure worded for staff from knowledge/replies; printed without the "error:" prefix."""


class ConfigError(BotError):
    """config.toml cannot be read or holds an invalid value."""


class DatabaseError(BotError):
    """The database URL is unusable or the database cannot be reached."""


class KnowledgeFileError(BotError):
    """A knowledge file is missing or malformed."""
