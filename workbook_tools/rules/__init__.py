"""The rules of the documents, as tables and functions: the matrix (Annex I), the table formats
and words, normalising what staff typed, validation, scoring, deadlines, plan statuses and the
cross-check of risks and measures. Nothing here writes a file or knows a presentation."""
