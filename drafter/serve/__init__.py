"""`drafter serve`: a local web app over the working folder's drafts (report.md stays the source of truth)."""
