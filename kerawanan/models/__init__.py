from .risks import AgendaItem, Mitigation, Risk, RiskChange
from .taxonomy import IkpDimension

__all__ = ["AgendaItem", "IkpDimension", "Mitigation", "Risk", "RiskChange"]
