"""E-mail alerts: a saved search sends its subscriber the items that are new to the archive.

    store     the subscriptions and the archive's item ledger (SQLite beside the index, or PostgreSQL)
    searches  a saved search: its canonical query string and its description in Danish
    mail      SMTP and sender settings from the environment, and sending
    messages  the confirmation and digest messages (Danish, plain text and HTML)
    digest    `minutes alerts send`: one digest per confirmed alert of the items new since its last

What is new is read from the ledger, not the index: the first time the sender (or a confirmation)
sees an item's key, it notes the time. A rebuild keeps every key, so nothing is sent twice, and an
item corrected in place is not news.
"""
