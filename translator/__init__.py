"""tarjama's translation side: engines, Argos packages, the pipeline and the CLI."""

__version__ = "0.1.0"
