"""Scale-out: the same pure :class:`~seawarden.pipeline.Pipeline` inside Apache Spark.

Why a separate package: the engine (Spark) is an optional extra, and nothing here re-implements a
detector. ``rows`` converts messages and alerts to flat rows, ``groups`` works out which vessels
must share a pipeline (the cross-vessel checks), ``runner`` is the engine-free per-partition code,
and ``spark_batch`` / ``spark_stream`` wire it into Spark. See docs/scale-out.md.
"""
