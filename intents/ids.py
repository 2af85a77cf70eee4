"""The intent IDs of shared/intents.md: a public contract, scored from outside. Nothing else goes here."""

from enum import StrEnum


class IntentId(StrEnum):
    """Every reply carries exactly one of these."""

    GREETING = "greeting"
    THANKS = "thanks"
    HELP = "help"
    UNION_LAW = "union_law"
    LABOR_LAW = "labor_law"
    WAGE_ARREARS = "wage_arrears"
    CASE_STATUS = "case_status"
    JOIN_UNION = "join_union"
    FOUND_UNION = "found_union"
    HARDSHIP_AID = "hardship_aid"
    MUTUAL_AID = "mutual_aid"
    LEGAL_AID = "legal_aid"
    EVENT_LIST = "event_list"
    EVENT_SIGNUP = "event_signup"
    EVENT_CANCEL = "event_cancel"
    MY_SIGNUPS = "my_signups"
    HANDOFF = "handoff"
    CONTACT = "contact"
    PROFILE_DELETE = "profile_delete"
    OUT_OF_SCOPE = "out_of_scope"
