"""Stage 4, assess: behaviour detectors, watch-list prior, explainable risk and monitoring."""

from seawarden.assess.assessor import Assessor
from seawarden.assess.config import AssessConfig

__all__ = ["AssessConfig", "Assessor"]
