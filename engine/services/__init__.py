"""Use cases, one module each; every state change is one transaction."""
