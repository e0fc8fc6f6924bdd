"""PDF bundles (Mappen): documents merged behind a cover and a linked index, tagged and PDF/A.

* `spec` – what goes into a bundle and what came out (records);
* `layout` – cover, index and page stamps, drawn with ReportLab;
* `merge` – the PDF object work with pikepdf (qpdf): pages, structure tree, outlines, links,
  metadata, in a working file that holds each member document once per process.
"""

from .merge import PRODUCER, Bundler, build_bundle
from .spec import BundleDocument, BundleEntry, BundleResult, BundleSpec

__all__ = ["PRODUCER", "BundleDocument", "BundleEntry", "BundleResult", "BundleSpec", "Bundler", "build_bundle"]
