"""The annotated copy: what it adds (``writer``, ``sheets``), what it neutralises
(``neutralise``), and the two backends that write it (``stream/``, ``backend_openpyxl``)."""
