"""All loaded questionnaire versions, side by side, keyed by (id, version)."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from pathlib import Path

from assess.definitions.errors import DefinitionError, DefinitionFileError, make_error
from assess.questionnaire.loader import read_file
from assess.questionnaire.model import Questionnaire


@dataclass
class Registry:
    versions: dict[tuple[str, int], Questionnaire] = field(default_factory=dict)
    warnings: list[DefinitionError] = field(default_factory=list)
    version_lines: dict[tuple[str, int], int] = field(default_factory=dict)  # of `version:`, for messages

    def get(self, qid: str, version: int) -> Questionnaire:
        try:
            return self.versions[(qid, version)]
        except KeyError:
            raise KeyError(f"questionnaire {qid} version {version} is not loaded") from None

    def latest(self, qid: str) -> Questionnaire:
        candidates = [q for q in self.versions.values() if q.id == qid]
        if not candidates:
            raise KeyError(f"questionnaire {qid} is not loaded")
        return max(candidates, key=lambda q: q.version)

    def all(self) -> list[Questionnaire]:
        return sorted(self.versions.values(), key=lambda q: (q.id, q.version))


def load_files(paths: Iterable[Path]) -> tuple[Registry, list[DefinitionError]]:
    """Load every file; errors of all files are returned together."""
    registry, errors = Registry(), list[DefinitionError]()
    for path in sorted(paths):
        loaded = read_file(path)
        questionnaire = loaded.questionnaire
        errors.extend(e for e in loaded.errors if not e.warning)
        registry.warnings.extend(e for e in loaded.errors if e.warning)
        if questionnaire is None:
            continue
        if questionnaire.key in registry.versions:
            other = registry.versions[questionnaire.key].source
            errors.append(
                make_error(
                    "Q502",
                    questionnaire.source,
                    loaded.version_line,
                    "version",
                    qid=questionnaire.id,
                    version=questionnaire.version,
                    other=other,
                )
            )
            continue
        registry.versions[questionnaire.key] = questionnaire
        registry.version_lines[questionnaire.key] = loaded.version_line
    return registry, errors


def load_directory(directory: Path) -> Registry:
    """Load all definitions of a folder, or raise with every error found."""
    registry, errors = load_files(Path(directory).glob("*.yaml"))
    if errors:
        raise DefinitionFileError(errors)
    return registry


def check_published(
    registry: Registry,
    published: Mapping[tuple[str, int], str],
    recorded: Mapping[tuple[str, int], str] | None = None,
) -> list[DefinitionError]:
    """Versions whose content changed although responses already use them (Q501).

    `published` maps (id, version) to the content hash stored when responses began
    to use the version; `recorded` to when the version was first recorded, if known.
    Only the hash is stored, so the message can say that the content differs and
    where the version is named, not which field changed.
    """
    errors = []
    for key, old_hash in published.items():
        questionnaire = registry.versions.get(key)
        if questionnaire is None or questionnaire.content_hash == old_hash:
            continue
        versions = [v for (i, v) in list(registry.versions) + list(published) if i == key[0]]
        when = (recorded or {}).get(key)
        errors.append(
            make_error(
                "Q501",
                questionnaire.source,
                registry.version_lines.get(key, 1),
                "version",
                qid=key[0],
                version=key[1],
                old=old_hash[:12],
                new=questionnaire.content_hash[:12],
                since=f", first recorded on {when}" if when else "",
                next_version=max(versions) + 1,
            )
        )
    return errors
