"""IKZ document pipeline: workbook → model → Word → PDF → bundles → signatures."""

__version__ = "0.1.0"
