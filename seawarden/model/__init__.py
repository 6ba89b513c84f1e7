"""Learned models: normal traffic per place (``normalcy``) and the learned risk fusion (``fusion``).

Models are trained offline (``seawarden model train``), saved as versioned files (:mod:`.format`)
and scored on the CPU inside the pure core. The hand-set rules stay the transparent fallback.
"""

from seawarden.model.format import ModelFile, ModelFileError, load_model, save_model

__all__ = ["ModelFile", "ModelFileError", "load_model", "save_model"]
