"""The line classifier of full-page text: the stage, line features, vocabulary, trees, model."""

from cleanpipe.stages.boilerplate.stage import StripBoilerplate

__all__ = ["StripBoilerplate"]
