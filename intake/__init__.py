"""The support policy as data: lifecycle, calendar, decision table, engine, payloads."""
