"""What the MISP exporter (``triage.export.misp``) and the MISP importer (``plugins/misp_event.py``)
agree on, in a module light enough for the importer to load without the export machinery."""

# MISP's object template "microblog" (misp-objects/objects/microblog/definition.json).
MICROBLOG_TEMPLATE_UUID = "8ec8c911-ddbe-4f5b-895b-fbff70c42a60"
MICROBLOG_TEMPLATE_VERSION = "20"
# The object comment that carries a post's "source:external_id", so an import finds the post again.
POST_REF_PREFIX = "triage post "
