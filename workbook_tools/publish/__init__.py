"""What is printed and published from a workbook (issue 13): one assessment sheet per risk
(Annex I, point 7; :mod:`.sheets`) and a static page of the register and the plan for the
official website (:mod:`.page`), both from the rows free of errors (:mod:`.select`), unless
forced. :mod:`.cli` runs them for the command line and returns its exit code.
"""
