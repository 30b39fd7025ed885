"""One small exception hierarchy for the whole product; translated to HTTP only in web/."""

from typing import Any


class SlrtError(Exception):
    """Base of every error the product raises on purpose."""

    def __init__(self, message, **context):
        super().__init__(message)
        self.message = message
        self.context = context

    def to_dict(self) -> dict[str, Any]:
        return {"message": self.message, **{k: v for k, v in self.context.items() if v is not None}}


class NotFound(SlrtError):
    """The thing asked for does not exist (or is not visible to the caller)."""


class Forbidden(SlrtError):
    """The caller's role or area does not allow this."""


class AuthenticationFailed(SlrtError):
    """No valid credentials were presented."""


class Conflict(SlrtError):
    """The state changed meanwhile: the task is no longer ready or someone else wrote first."""


class InvalidInput(SlrtError):
    """Submitted data is invalid; `errors` maps each bad field to a message."""

    def __init__(self, message, errors=None, **context):
        super().__init__(message, **context)
        self.errors = errors or {}

    def to_dict(self) -> dict[str, Any]:
        return {**super().to_dict(), "errors": self.errors}


class DiagramError(SlrtError):
    """A BPMN/DMN file cannot be used; names the element, file and line where known."""

    def __init__(self, message, element_id=None, file=None, line=None, **context):
        super().__init__(message, element_id=element_id, file=file, line=line, **context)
        self.element_id = element_id
        self.file = file
        self.line = line

    def __str__(self):
        where = ", ".join(
            f"{k} {v}" for k, v in (("element", self.element_id), ("file", self.file), ("line", self.line)) if v
        )
        return f"{self.message} ({where})" if where else self.message


class ExpressionRejected(DiagramError):
    """A diagram expression uses a construct outside the sandbox's allow-list."""


class WorkflowFailure(SlrtError):
    """The running diagram failed (an expression raised, a decision table had no matching rule, ...)."""


class Unavailable(SlrtError):
    """The answer cannot be given until an operator acts (e.g. the dashboards' summary rows are stale)."""


class ExpressionBudgetExceeded(WorkflowFailure):
    """A diagram expression ran past its bound in steps, size or time, and was stopped."""
