"""Settings of the Pilkada portal, assembled from one module per concern.

Every value comes from the environment with a safe default (see README, "Configuration").
"""

from .api import *  # noqa: F403
from .auth import *  # noqa: F403
from .base import *  # noqa: F403
from .celery import *  # noqa: F403
from .deployment import *  # noqa: F403
from .email import *  # noqa: F403
from .integrations import *  # noqa: F403
from .participation import *  # noqa: F403
from .security import *  # noqa: F403
