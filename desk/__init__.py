"""The desk: the small service that receives support requests and article votes.

It checks a payload against the published schema, re-classifies it with the desk's own
receipt time through the `intake` engine (the desk holds no rule of the policy), stores it
in SQLite or PostgreSQL, and forwards it to the help desk the owner already has through an
outbox. Layers: `desk` may import `intake` and `kbcore`; nothing imports `desk`.
See desk/README.md for the endpoints, configuration and operations.
"""
