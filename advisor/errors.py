"""One exception base for everything the user can get wrong, with named exit codes."""

from __future__ import annotations

from dataclasses import dataclass

EXIT_OK = 0
EXIT_FAILED = 1  # a batch in which some scenario failed
EXIT_BAD_INPUT = 2  # an invalid scenario, knowledge file or option
EXIT_INTERNAL = 3  # a bug: an error inside the engine or a rule action


@dataclass(frozen=True)
class Problem:
    """One thing wrong with one input file: where it is and what is wrong."""

    file: str
    message: str
    key: str = ""
    line: int | None = None

    def __str__(self) -> str:
        where = self.file + (f":{self.line}" if self.line else "")
        return f"{where} {self.key}: {self.message}" if self.key else f"{where}: {self.message}"


class AdvisorError(Exception):
    """Base of every error the CLI reports without a traceback."""

    exit_code = EXIT_INTERNAL


class InputError(AdvisorError):
    """An input (scenario, knowledge file, option) is invalid; carries every problem found."""

    exit_code = EXIT_BAD_INPUT

    def __init__(self, problems: list[Problem]):
        self.problems = problems
        super().__init__("\n".join(str(p) for p in problems))


class UserError(AdvisorError):
    """The user's environment or session stops a command (a file that cannot be written, a
    questionnaire open elsewhere); the message is i18n.MESSAGES[key], filled with `values`."""

    exit_code = EXIT_BAD_INPUT

    def __init__(self, key: str, **values):
        from advisor.i18n import message

        self.key, self.values = key, {k: str(v) for k, v in values.items()}
        super().__init__(message(key, "en", **self.values))

    def text(self, lang) -> str:
        from advisor.i18n import message

        return message(self.key, lang, **self.values)

    def __reduce__(self):  # rebuilt from key and values when it comes back from a worker process
        return _user_error, (type(self), self.key, self.values)


def _user_error(cls: type, key: str, values: dict) -> UserError:
    error = Exception.__new__(cls)
    UserError.__init__(error, key, **values)
    return error


class OutputError(UserError):
    """A file cannot be written: a read-only folder, a full disk, a path that is a file."""

    def __init__(self, path, reason: str):
        super().__init__("cannot_write", path=path, reason=reason)


class EngineError(AdvisorError):
    """A rule action failed inside the engine: a bug in the knowledge or the adapter."""

    exit_code = EXIT_INTERNAL


def bad_input(file: str, message: str, key: str = "", line: int | None = None) -> InputError:
    return InputError([Problem(file, message, key, line)])
