"""Where the time of a request goes, in-process: cProfile, summed over the named steps."""

from __future__ import annotations

import cProfile
import pstats
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any

Step = tuple[str, str]  # (file ending, function)

# The steps worth naming, in the order a request meets them.
RECEIPT_STEPS: tuple[Step, ...] = (
    ("flask/app.py", "wsgi_app"),
    ("onestop/web/api.py", "_authenticate"),
    ("onestop/accounts/services.py", "user_for_token"),
    ("onestop/web/api.py", "_visible"),
    ("onestop/receipts/build.py", "receipt_data"),
    ("onestop/receipts/render.py", "render_receipt"),
    ("onestop/receipts/qr.py", "qr_svg"),
    ("jinja2/environment.py", "render"),
    ("onestop/receipts/render.py", "render_html_to_pdf"),
    ("weasyprint/__init__.py", "render"),
    ("weasyprint/document.py", "write_pdf"),
)
PUBLIC_STEPS: tuple[Step, ...] = (
    ("flask/app.py", "wsgi_app"),
    ("flask/app.py", "preprocess_request"),
    ("onestop/web/public.py", "dossier"),
    ("onestop/lookup/services.py", "by_token"),
    ("onestop/lookup/services.py", "public_view"),
    ("onestop/dossiers/queries.py", "events"),
    ("flask/templating.py", "render_template"),
    ("onestop/web/public.py", "render_light"),
    ("flask/app.py", "process_response"),
    ("flask/sessions.py", "save_session"),
)


class _Silent:
    """A stream that swallows pstats' printing (only its sorted list is wanted)."""

    def write(self, _text: str) -> int:
        return 0


def _top(stats: pstats.Stats, k: int) -> list[tuple[tuple[str, int, str], tuple[Any, ...]]]:
    keys = stats.fcn_list[:k] if stats.fcn_list else []  # type: ignore[attr-defined]
    return [(key, stats.stats[key]) for key in keys]  # type: ignore[attr-defined]


def _steps_ms(stats: pstats.Stats, steps: Sequence[Step], count: int) -> list[str]:
    """Cumulative milliseconds per request of each named step that ran."""
    table: dict[Step, float] = {}
    for (filename, _, name), (_, _, _, cumulative, _) in stats.stats.items():  # type: ignore[attr-defined]
        for step in steps:
            if filename.endswith(step[0]) and name == step[1]:
                table[step] = table.get(step, 0.0) + cumulative
    lines = [f"  {'step (cumulative, under cProfile)':<58} ms/request"]
    for step in steps:
        if step in table:
            lines.append(f"  {step[0] + ':' + step[1]:<58} {table[step] / count * 1000:8.2f}")
    return lines


def profile(calls: Callable[[], None], count: int, steps: Sequence[Step], out: Path) -> str:
    """Run `calls` (`count` requests) under cProfile: per-request milliseconds of the named
    steps, then the top functions by own time; the full profile is kept in `out`."""
    profiler = cProfile.Profile()
    profiler.enable()
    calls()
    profiler.disable()
    stats = pstats.Stats(profiler)
    stats.dump_stats(out)
    lines = _steps_ms(stats, steps, count)
    with out.with_suffix(".txt").open("w") as report:
        pstats.Stats(str(out), stream=report).sort_stats("tottime").print_stats(25)
    top = pstats.Stats(str(out), stream=_Silent()).sort_stats("tottime")  # type: ignore[arg-type]
    lines.append("  top functions by own time (tottime), ms/request:")
    for (filename, line, name), (_, _, own, _, _) in _top(top, 12):
        where = "/".join(Path(filename).parts[-2:])
        lines.append(f"    {own / count * 1000:7.2f}  {where}:{line} {name}")
    lines.append(f"  full profile: {out} and {out.with_suffix('.txt')} (kept with --keep)")
    return "\n".join(lines)
