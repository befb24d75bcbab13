"""What a run gives other systems: the JSON document (``report``); later the consolidated
workbook, templates and web pages."""
