"""The drop folder: ``workbook-tools watch INBOX`` and ``workbook-tools history``.

* :mod:`.journal`: the SQLite (WAL) journal beside the folders; every drop is a row whose state
  is written before and after each step, so a restart knows where each file stood.
* :mod:`.intake`: which files are taken (stable, openable, not a lock or temporary file), the
  file operations that never overwrite (archive, rejected folder, the scored copy put in place)
  and the reason text beside a rejected file.
* :mod:`.runner`: the loop (file-system events with a polling fallback), the steps of one drop
  and the recovery of unfinished ones.
* :mod:`.history`: the submissions of a unit and what changed between two of them.
"""
