"""Built-in stages, one module per family; each names itself, and the registry lists them."""

from cleanpipe.stages.boilerplate.stage import StripBoilerplate
from cleanpipe.stages.canonical import Canonicalize
from cleanpipe.stages.encoding import FixEncoding
from cleanpipe.stages.html import ExtractHtml
from cleanpipe.stages.kind import DetectDocumentKind
from cleanpipe.stages.language import DetectLanguage
from cleanpipe.stages.leftovers import StripExtractionLeftovers
from cleanpipe.stages.linklists import StripLinkLists
from cleanpipe.stages.markers import StripCommentMarkers
from cleanpipe.stages.repeated import StripRepeatedLines
from cleanpipe.stages.titles import StripDuplicateTitle

__all__ = [
    "Canonicalize",
    "DetectDocumentKind",
    "DetectLanguage",
    "ExtractHtml",
    "FixEncoding",
    "StripBoilerplate",
    "StripCommentMarkers",
    "StripDuplicateTitle",
    "StripExtractionLeftovers",
    "StripLinkLists",
    "StripRepeatedLines",
]
