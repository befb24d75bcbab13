"""Blank self-scoring templates (``workbook-tools template register|plan``): the table format's
columns, formulas generated from the rule tables, drop-downs, a reference and an instructions
sheet (:mod:`.build`); moving an old workbook into one (:mod:`.convert`); the check that a
filled template's formulas were not overwritten (:mod:`.check`)."""
