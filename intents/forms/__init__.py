"""Slot-filling forms: the engine and every form, registered by name in FORMS."""

from intents.forms.calculation import CALCULATOR_FORMS
from intents.forms.engine import (
    Form,
    Slot,
    continue_form,
    describe_active,
    form_payload,
    start_form,
)
from intents.forms.event_signup import EventSignupForm
from intents.forms.profile_delete import ProfileDeleteForm
from intents.forms.wage_arrears import WageArrearsForm

FORMS: dict[str, Form] = {
    form.name: form for form in (ProfileDeleteForm(), WageArrearsForm(), EventSignupForm(), *CALCULATOR_FORMS)
}

__all__ = [
    "FORMS",
    "Form",
    "Slot",
    "continue_form",
    "describe_active",
    "form_payload",
    "start_form",
]
