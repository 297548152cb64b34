"""The support-request wizard: form definition, `kb-request` MkDocs plugin, page assets."""
