"""Author and store-wide analytics (issue: author profile and overview). No Textual here."""
