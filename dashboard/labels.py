"""Plain words for parameters and outputs, read from the model's registries (never restated here).

The parameter registry gives each parameter a ``label`` and marks structural assumptions ``fixed``; the
output registry (:mod:`model.outputs`) gives each output a label and a unit. Where a registry does not (yet)
carry them, the code name is shown with spaces instead of underscores.
"""

from __future__ import annotations

from model import registry

try:  # the output registry (issue 6)
    from model import outputs as _outputs
except ImportError:  # pragma: no cover - older model without the output registry
    _outputs = None


def spaced(name: str) -> str:
    return name.replace("_", " ")


def parameter_label(parameter: registry.Parameter) -> str:
    label = getattr(parameter, "label", None)
    return label if label else spaced(parameter.name)


def dashboard_parameters() -> list[registry.Parameter]:
    """The parameters a trainer may change: all but the model's fixed structural assumptions."""
    return [p for p in registry.PARAMETERS if not getattr(p, "fixed", False)]


def output_declaration(name: str):
    if _outputs is None:
        return None
    return _outputs.OUTPUTS.get(name)


def output_label(name: str) -> str:
    declared = output_declaration(name)
    return declared.label if declared is not None else spaced(name)


def output_unit(name: str) -> str:
    declared = output_declaration(name)
    return declared.unit if declared is not None else ""


def output_axis_label(name: str) -> str:
    unit = output_unit(name)
    return f"{output_label(name)} ({unit})" if unit not in ("", "-") else output_label(name)


def lower_is_better(name: str) -> bool | None:
    declared = output_declaration(name)
    if declared is None:
        return None
    better = str(getattr(declared, "better", ""))
    return {"lower": True, "higher": False}.get(better)
