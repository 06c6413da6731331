"""The write stage: section spec + facts + excerpts → section text, by a model or the offline writer."""

from drafter.write.offline import FactBook, OfflineWriter, SectionContext, SectionWriter, quote_sentence, tidy

__all__ = ["FactBook", "OfflineWriter", "SectionContext", "SectionWriter", "quote_sentence", "tidy"]
