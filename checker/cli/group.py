"""The ``gapcheck`` command group, its exit codes and the helpers every subcommand shares.

Nothing in :mod:`checker.cli` decides anything about policies; it wires :mod:`checker.run.scan`,
:mod:`checker.report` and :mod:`checker.evaluate` to the terminal.
"""

from __future__ import annotations

import sys
from typing import NoReturn

import click

from checker import __version__
from checker.models import ModelUnavailable
from checker.rules.checklist import (
    DEFAULT_CHECKLISTS,
    ChecklistError,
    CompiledChecklists,
    load_checklists,
)
from checker.run.config import ConfigError, resolve_config

EXIT_OK = 0
EXIT_GAPS = 1
EXIT_USAGE = 2


def _fail(message: str) -> NoReturn:
    click.echo(f"gapcheck: error: {message}", err=True)
    sys.exit(EXIT_USAGE)


def _compile(compiled: CompiledChecklists) -> None:
    try:
        compiled.compile()
    except (ChecklistError, ModelUnavailable) as exc:
        _fail(str(exc))


def _load(checklists: tuple[str, ...], model: str, compile: bool = True) -> CompiledChecklists:
    try:
        return load_checklists(checklists or DEFAULT_CHECKLISTS, model, compile=compile)
    except ChecklistError as exc:
        _fail(str(exc))
    except ModelUnavailable as exc:
        _fail(str(exc))


checklist_option = click.option("--checklist", "checklists", multiple=True, metavar="NAME_OR_FILE",
                                help="Checklist to apply (repeatable): a bundled name such as gdpr, or a YAML file. "
                                     f"Default: {' + '.join(DEFAULT_CHECKLISTS)}.")
model_option = click.option("--model", default="blank", show_default=True,
                            help="spaCy pipeline: 'blank' (no download) or an installed model such as en_core_web_sm.")


@click.group(context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(__version__, prog_name="gapcheck")
@click.option("--config", "config_file", type=click.Path(dir_okay=False), default=None, metavar="FILE",
              help="Settings file (gapcheck.toml, or a pyproject.toml with [tool.gapcheck]). Default: the first "
                   "found from the working directory upward.")
@click.option("--isolated", is_flag=True, help="Ignore configuration files.")
@click.pass_context
def main(ctx: click.Context, config_file: str | None, isolated: bool) -> None:
    """Check privacy policies against GDPR/COPPA disclosure checklists."""
    try:
        config = resolve_config(config_file, use_files=not isolated)
    except ConfigError as exc:
        _fail(str(exc))
    ctx.obj = config
    ctx.default_map = {"scan": config.values}  # the file's values become scan's defaults: flags win




STREAM_FORMATS = ("jsonl",)
"""Formats written as policies come (the others need the whole report)."""
