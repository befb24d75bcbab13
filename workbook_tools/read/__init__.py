"""Reading a workbook: the guard in front of every parser, the reader, and finding each table
in a sheet."""
