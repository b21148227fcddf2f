"""What other apps may use of the register: the one public entry into kerawanan.

The incident desk (`insiden`) links an incident to the risk it realises, or records a new risk
from it. It must never reveal a risk the person may not read, and there must stay one way to
record a risk (the register's validation, its permission check, its history). So it reads risks
through `risks_visible_to` (the register's visibility rule) and records them with `risk_create`
(the register's service itself, which checks `can_record_risk_for`); `owner_agencies` and
`ikp_choices` are the register's own form choices. Anything else of kerawanan is private to it
(`pyproject.toml`, the import contracts).
"""

from kerawanan.enums import RiskCategory, RiskSource
from kerawanan.forms.choices import ikp_choices, owner_agencies
from kerawanan.selectors.risks import risks_visible_to
from kerawanan.services.risks import risk_create

__all__ = [
    "RiskCategory",
    "RiskSource",
    "ikp_choices",
    "owner_agencies",
    "risk_create",
    "risks_visible_to",
]
