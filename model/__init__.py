"""mus-alliance model: a Learning Alliance scaling up Multiple-Use water Services, on Mesa.

The public face used by the command line, the sweep engine and the dashboard:
``registry`` (parameters), ``outputs`` (the output registry), ``LearningAlliance``, ``build_model``, ``run_model``, ``run_batch`` (replicates stepped together), ``RunResult``,
``OUTPUTS``/``SUMMARY_OUTPUTS``, ``load_scenario``/``Scenario``/``read_toml`` (TOML with one-line errors),
the state Enums and the event log.
"""

from . import outputs, registry
from .agents import Stakeholder
from .alliance import LearningAlliance
from .events import EventKind, EventLog
from .registry import ConfigError
from .reporters import MODEL_REPORTERS, OUTPUTS, SUMMARY_OUTPUTS
from .run import DEFAULT_BATCH, RunResult, build_model, run_batch, run_model
from .scenario import Scenario, check_run_setting, load_scenario, read_toml
from .states import Level, Membership, Stage, Stance

__version__ = "0.1.0"

__all__ = [
    "outputs", "registry", "Stakeholder", "LearningAlliance", "EventKind", "EventLog", "ConfigError", "MODEL_REPORTERS",
    "OUTPUTS", "SUMMARY_OUTPUTS", "RunResult", "build_model", "run_model", "run_batch", "DEFAULT_BATCH", "Scenario", "check_run_setting", "load_scenario", "read_toml",
    "Level", "Membership", "Stage", "Stance", "__version__",
]
