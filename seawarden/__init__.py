"""SeaWarden: open maritime early warning for undersea infrastructure.

Data flows ``sources -> decode -> track -> assess (geo + detectors + risk) -> alerts ->
store/deliver -> api/web``; each stage is a sub-package of the same name.
"""

__version__ = "0.1.0"
