"""Pure Python: roles and access rules, regions, tickets, the case vocabulary."""
