"""The site's front page, index.html, from the executed notebooks and the run's report.

build_site.py calls write() after each notebook. The page shows:
  - a card per notebook, in reading order: title, chapter section, one sentence of what it teaches,
    a thumbnail taken from the notebook's own outputs, and how long it ran;
  - the test loss after every epoch of every trained model (the "series" of results.json), one
    chart for the models measured by reconstruction error and one for those measured by -ELBO,
    drawn by the plotly.js that the helper jar bundles (copied to assets/, so it works offline);
  - the results table, each metric next to the reference value its notebook quotes;
  - what is needed to reproduce the run: date, machine, versions, knobs, commit and command.

What a notebook provides (all optional; the page falls back as described):
  - notebook metadata "aelab": {"chapter_section": "12.2", "teaches": "<one sentence>"}; without
    it, the first "12.x" in the opening markdown cell and the first sentence after its title;
  - the cell metadata tag "thumbnail" on the code cell whose last image output represents the
    notebook; without it, the notebook's last image output;
  - Results...reference(metric, value, source) for the reference column.
"""
import base64
import functools
import glob
import html.parser
import json
import os
import platform
import re
import shlex
import shutil
import statistics
import subprocess
import sys
import zipfile
from datetime import datetime
from pathlib import Path

import jinja2
import nbformat

ROOT = Path(__file__).resolve().parents[2]
TEMPLATES = Path(__file__).resolve().parent / "templates"
PLOTLY_RESOURCE = "org/aelab/plots/plotly.min.js"
THUMBNAIL_TAG = "thumbnail"
SECTION = re.compile(r"\b12\.\d+(?:\.\d+)?(?:\s*[–-]\s*12\.\d+(?:\.\d+)?)?")
# Results-table columns: label, metric keys tried in order.
METRIC_COLUMNS = [("test SSE/img", ["test_sse_per_image"]),
                  ("BCE/pixel or −ELBO", ["test_bce_per_pixel", "test_neg_elbo"])]
METRIC_LABELS = {"test_sse_per_image": "SSE/img", "test_bce_per_pixel": "BCE/pixel",
                 "test_sse_per_image_noisy_input": "SSE/img from noisy input",
                 "test_neg_elbo": "−ELBO", "explained_variance": "explained variance"}
# A model that reports this metric is charted with the -ELBO models; all others with the reconstruction models.
ELBO_METRIC = "test_neg_elbo"
KL_SERIES = "test kl"
# Which series draws a reconstruction model's curve when it recorded several.
PREFERRED_SERIES = ["test loss", "test reconstruction", "test total"]
COLOURS = ["#1f77b4", "#d62728", "#2ca02c", "#9467bd", "#ff7f0e", "#8c564b", "#e377c2", "#17becf"]
# Versions read from the jar names on the kernel's class path: label, jar name pattern.
JAR_VERSIONS = [("DJL", r"^api-(\d[\w.]*)\.jar$"),
                ("PyTorch native", r"^pytorch-native-cpu-(\d[\d.]*)-[\w-]+\.jar$"),
                ("DJL PyTorch JNI", r"^pytorch-jni-([\d.]+-[\d.]+)\.jar$"),
                ("Tablesaw", r"^tablesaw-core-(\d[\w.]*)\.jar$")]


def write(out, report, argv=None):
    """Writes out/index.html (plus out/thumbnails/ and out/assets/plotly.min.js) and returns its path."""
    out = Path(out)
    copy_plotly(out)
    notebooks = report["notebooks"]
    colours = model_colours(notebooks)
    context = {
        "generated": report["generated"],
        "knobs": report.get("knobs", {}),
        "overridden": any(k != "RETRAIN" for k in report.get("knobs", {})),
        "total_seconds": report.get("total_seconds"),
        "cards": [card(out, name, entry, reused_runs(notebooks, name)) for name, entry in notebooks.items()],
        "charts": charts(notebooks, colours),
        "headers": ["notebook", "model"] + [label for label, _ in METRIC_COLUMNS]
                   + ["epochs", "median s/epoch", "training s", "against the reference", "settings", "produced"],
        "rows": result_rows(notebooks),
        "reproduce": reproducibility(out, report, argv if argv is not None else sys.argv),
    }
    environment = jinja2.Environment(loader=jinja2.FileSystemLoader(TEMPLATES),
                                     autoescape=True, trim_blocks=True, lstrip_blocks=True,
                                     undefined=jinja2.StrictUndefined)
    environment.filters["duration"] = duration
    page = environment.get_template("index.html.j2").render(**context)
    target = out / "index.html"
    target.write_text(page, encoding="utf-8")
    return target


# ---- cards ----------------------------------------------------------------------------------------

def reused_runs(notebooks, name):
    """The epoch timings of every model the notebooks before `name` trained: a later notebook that
    loads one of those checkpoints (03 reuses 02's AE, 05 and 06 04's VAE) records the same
    timings, and its card must not count that training as its own."""
    runs = set()
    for other, entry in notebooks.items():
        if other == name:
            break
        for model in entry.get("models", {}).values():
            if model.get("epoch_seconds"):
                runs.add(tuple(model["epoch_seconds"]))
    return runs


def card(out, name, entry, reused=frozenset()):
    path = out / entry["notebook"]
    nb = nbformat.read(path, as_version=4) if path.exists() else nbformat.v4.new_notebook()
    meta = nb.metadata.get("aelab", {})
    intro = opening_text(nb)
    models = entry.get("models", {})
    trained = [m for m in models.values() if m.get("epochs") and tuple(m.get("epoch_seconds") or ()) not in reused]
    return {
        "name": name,
        "title": entry["title"],
        "html": entry["html"],
        "notebook": entry["notebook"],
        "section": meta.get("chapter_section") or first_section(intro),
        "teaches": meta.get("teaches") or first_sentence(intro),
        "thumbnail": thumbnail(out, name, nb),
        "seconds": entry.get("execution_seconds"),
        "training_seconds": sum(m.get("total_seconds") or 0 for m in trained) if trained else None,
        "models": list(models),
    }


def opening_text(nb):
    """The first markdown cell, without its title line."""
    for cell in nb.cells:
        if cell.cell_type == "markdown":
            return "\n".join(line for line in cell.source.splitlines() if not line.startswith("#")).strip()
    return ""


def first_section(text):
    match = SECTION.search(text)
    return match.group(0) if match else None


def first_sentence(text):
    plain = re.sub(r"\$([^$]*)\$", r"\1", re.sub(r"[*_`]", "", " ".join(text.split())))
    match = re.match(r"(.+?[.!?])(\s|$)", plain)
    return match.group(1) if match else plain or None


def thumbnail(out, name, nb):
    """Writes the notebook's representative image to thumbnails/<name>.png; returns its src, width, height."""
    tagged = [c for c in nb.cells if c.cell_type == "code" and THUMBNAIL_TAG in c.metadata.get("tags", [])]
    cells = tagged or [c for c in nb.cells if c.cell_type == "code"]
    images = [o["data"]["image/png"] for c in cells for o in c.get("outputs", [])
              if "image/png" in o.get("data", {})]
    if not images:
        return None
    png = base64.b64decode(images[-1])
    if png[:8] != b"\x89PNG\r\n\x1a\n":
        raise ValueError(f"{name}: the thumbnail output is not a PNG")
    target = out / "thumbnails" / f"{name}.png"
    target.parent.mkdir(parents=True, exist_ok=True)
    target.write_bytes(png)
    width, height = int.from_bytes(png[16:20], "big"), int.from_bytes(png[20:24], "big")
    return {"src": f"thumbnails/{name}.png", "width": width, "height": height, "tagged": bool(tagged)}


# ---- charts ---------------------------------------------------------------------------------------

def model_colours(notebooks):
    names = [model for entry in notebooks.values() for model, result in entry.get("models", {}).items()
             if result.get("series")]
    return {model: COLOURS[i % len(COLOURS)] for i, model in enumerate(names)}


def charts(notebooks, colours):
    """Plotly figures (as plain data) of the test series of every trained model, by metric type."""
    reconstruction, elbo = [], []
    for entry in notebooks.values():
        for model, result in entry.get("models", {}).items():
            series = result.get("series") or {}
            tests = {k: v for k, v in series.items() if k.lower().startswith("test")}
            if not tests:
                continue
            # A VAE is measured in nats per image: by its -ELBO metric or, where a notebook saved only
            # its SSE (05's 2-d VAE), by the KL term among its series.
            if ELBO_METRIC in result.get("metrics", {}) or KL_SERIES in tests:
                for index, (name, values) in enumerate(tests.items()):
                    elbo.append(trace(f"{model} · {strip_test(name)}", values, colours[model],
                                      ["solid", "dash", "dot", "dashdot"][index % 4]))
            else:
                name = next((n for n in PREFERRED_SERIES if n in tests), next(iter(tests)))
                label = model if name == "test loss" else f"{model} · {strip_test(name)}"
                reconstruction.append(trace(label, tests[name], colours[model], "solid"))
    figures = []
    if reconstruction:
        figures.append(figure("chart-reconstruction", "Reconstruction models: test loss per epoch",
                              "test loss (as trained)", reconstruction))
    if elbo:
        figures.append(figure("chart-elbo", "Variational models: −ELBO and its terms per epoch",
                              "nats per test image", elbo))
    return figures


def strip_test(name):
    return name[5:] if name.lower().startswith("test ") else name


def trace(name, values, colour, dash):
    points = [v if isinstance(v, (int, float)) else None for v in values]
    return {"type": "scatter", "mode": "lines+markers" if len(points) <= 30 else "lines", "name": name,
            "x": list(range(1, len(points) + 1)), "y": points,
            "line": {"color": colour, "dash": dash, "width": 2}, "marker": {"size": 5},
            "hovertemplate": "%{fullData.name}<br>epoch %{x}: %{y:.4g}<extra></extra>"}


def figure(div_id, title, y_title, traces):
    epochs = max(len(t["x"]) for t in traces)
    xaxis = {"title": {"text": "epoch"}, "zeroline": False}
    if epochs < 4:  # a smoke run: whole epochs only, not 1.5
        xaxis.update(range=[0.5, epochs + 0.5], dtick=1)
    return {"id": div_id, "title": title, "traces": traces, "layout": {
        "height": 360, "margin": {"l": 64, "r": 16, "t": 16, "b": 48}, "xaxis": xaxis,
        "yaxis": {"title": {"text": y_title}, "zeroline": False},
        "showlegend": True, "legend": {"orientation": "h", "y": -0.22}, "paper_bgcolor": "rgba(0,0,0,0)",
        "plot_bgcolor": "#fbfbfd", "font": {"family": "system-ui, sans-serif", "size": 13}}}


def copy_plotly(out):
    """The plotly.js bundled in the helper jar, as assets/plotly.min.js."""
    target = out / "assets" / "plotly.min.js"
    target.parent.mkdir(parents=True, exist_ok=True)
    classes = ROOT / "lib" / "target" / "classes" / PLOTLY_RESOURCE
    jar = ROOT / "lib" / "target" / "aelab-lib.jar"
    if classes.exists():
        shutil.copyfile(classes, target)
    elif jar.exists():
        with zipfile.ZipFile(jar) as archive, archive.open(PLOTLY_RESOURCE) as source, open(target, "wb") as sink:
            shutil.copyfileobj(source, sink)
    else:
        sys.exit(f"[site] plotly.js not found in {jar}: build the helper jar first (environment/setup.sh)")


# ---- results table --------------------------------------------------------------------------------

def fmt(value, digits=4):
    if value is None:
        return "–"
    if isinstance(value, float):
        return f"{value:.{digits}g}" if abs(value) < 1000 else f"{value:.0f}"
    return str(value)


def result_rows(notebooks):
    rows = []
    for name, entry in notebooks.items():
        for model, result in entry.get("models", {}).items():
            metrics = result.get("metrics", {})
            cells = []
            for _, keys in METRIC_COLUMNS:
                key = next((k for k in keys if k in metrics), None)
                cells.append(fmt(metrics.get(key)) + (" (−ELBO)" if key == "test_neg_elbo" else ""))
            seconds = result.get("epoch_seconds") or []
            epochs = result.get("epochs")
            rows.append({"notebook": name, "html": entry["html"], "model": model, "metrics": cells,
                         "epochs": epochs or "–",
                         "median": fmt(statistics.median(seconds), 3) if seconds else "–",
                         "total": fmt(result.get("total_seconds"), 3),
                         "references": references(metrics, result.get("references", {})),
                         "settings": settings_text(entry), "produced": when(entry.get("produced")),
                         "this_run": entry.get("this_run", True)})
    return rows


def settings_text(entry):
    """The knobs a notebook's results were produced under, where they differ from its defaults."""
    if entry.get("produced") is None:
        return "–"
    return ", ".join(f"{k}={v}" for k, v in entry.get("settings", {}).items()) or "defaults"


def when(timestamp):
    """'2026-11-27 13:21 UTC' for an ISO timestamp in UTC."""
    if not timestamp:
        return "–"
    return timestamp[:16].replace("T", " ") + " UTC"


def references(metrics, refs):
    compared = []
    for metric, ref in refs.items():
        value, reference = metrics.get(metric), ref.get("value")
        if value is None or not reference:
            continue
        compared.append({"metric": METRIC_LABELS.get(metric, metric), "value": fmt(value),
                         "reference": fmt(reference), "source": ref.get("source", ""),
                         "change": f"{(value - reference) / abs(reference) * 100:+.1f}%"})
    return compared


# ---- reproducibility ------------------------------------------------------------------------------

def reproducibility(out, report, argv):
    spec = kernel_spec()
    rows = knob_rows(out, report)
    return {
        "date": datetime.fromisoformat(report["generated"]).strftime("%Y-%m-%d %H:%M UTC%z").replace("UTC+0000", "UTC"),
        "machine": machine(),
        "os": platform_description(),
        "versions": versions(spec),
        "knobs": rows,
        # Settings of the run that no notebook shows in its knobs table (e.g. RETRAIN).
        "main_job": {k: v for k, v in report.get("knobs", {}).items() if k not in {r[0] for r in rows}},
        "commit": git_commit(),
        "command": regenerate_command(argv),
    }


@functools.lru_cache(maxsize=None)
def machine():
    model = None
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                model = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    memory = None
    try:
        kib = int(re.search(r"MemTotal:\s+(\d+)", Path("/proc/meminfo").read_text()).group(1))
        memory = f"{kib / 1024 ** 2:.0f} GiB"
    except (OSError, AttributeError):
        pass
    cores = len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else os.cpu_count()
    return {"cpu": model or platform.processor() or "unknown CPU", "cores": cores, "memory": memory}


@functools.lru_cache(maxsize=None)
def platform_description():
    try:
        fields = dict(line.split("=", 1) for line in Path("/etc/os-release").read_text().splitlines() if "=" in line)
        name = fields.get("PRETTY_NAME", "").strip('"')
    except OSError:
        name = ""
    return f"{name or platform.system()}, Linux {platform.release()}"


@functools.lru_cache(maxsize=None)
def kernel_spec():
    """argv and class path of the aelab-java kernel that executed the notebooks."""
    try:
        from jupyter_client.kernelspec import KernelSpecManager
        spec = KernelSpecManager().get_kernel_spec("aelab-java")
        return {"argv": spec.argv, "classpath": spec.env.get("IJAVA_CLASSPATH", "")}
    except Exception:  # no kernelspec: versions fall back to the build output below
        return {"argv": [], "classpath": ""}


@functools.lru_cache(maxsize=None)
def java_version(java):
    try:
        result = subprocess.run([java, "-XshowSettings:properties", "-version"], capture_output=True,
                                text=True, timeout=60)
    except (OSError, subprocess.TimeoutExpired):
        return None
    props = dict(re.findall(r"^\s*([\w.]+) = (.*)$", result.stderr, re.M))
    version = props.get("java.runtime.version") or props.get("java.version")
    return f"{props.get('java.runtime.name', 'Java')} {version} ({props.get('java.vendor', '?')})" if version else None


def versions(spec):
    found = {}
    # The kernelspec may start Java through a launcher (environment/kernel/cds-launch.sh): take the
    # first argument that is a java executable.
    java = next((arg for arg in spec["argv"] if Path(arg).name == "java"), None) or shutil.which("java")
    found["JDK"] = java_version(java) if java else None
    jars = []
    patterns = spec["classpath"].split(os.pathsep) if spec["classpath"] else []
    patterns.append(str(ROOT / "lib" / "target" / "classpath" / "*.jar"))
    for pattern in patterns:
        jars += [Path(p).name for p in glob.glob(pattern)]
    for label, pattern in JAR_VERSIONS:
        found[label] = next((m.group(1) for j in jars if (m := re.match(pattern, j))), None)
    return [(label, value or "not found") for label, value in found.items()]


class _KnobTable(html.parser.HTMLParser):
    """Reads the rows of the HTML table that Knobs.table() shows (caption "Knobs")."""

    def __init__(self):
        super().__init__()
        self.caption, self.rows, self.cell, self.in_caption = "", [], None, False

    def handle_starttag(self, tag, attrs):
        if tag == "caption":
            self.in_caption = True
        elif tag == "tr":
            self.rows.append([])
        elif tag in ("td", "th"):
            self.cell = ""

    def handle_endtag(self, tag):
        if tag == "caption":
            self.in_caption = False
        elif tag in ("td", "th") and self.cell is not None and self.rows:
            self.rows[-1].append(self.cell.strip())
            self.cell = None

    def handle_data(self, data):
        if self.in_caption:
            self.caption += data
        elif self.cell is not None:
            self.cell += data


def knob_rows(out, report):
    """Every knob the notebooks read, with the value each used: [(knob, value, set by, notebooks)]."""
    seen = {}
    for name, entry in report["notebooks"].items():
        path = out / entry["notebook"]
        if not path.exists():
            continue
        for cell in nbformat.read(path, as_version=4).cells:
            for output in cell.get("outputs", []):
                markup = output.get("data", {}).get("text/html", "")
                if "<caption" not in markup or "Knobs" not in markup:
                    continue
                table = _KnobTable()
                table.feed(markup)
                if table.caption.strip() != "Knobs" or not table.rows:
                    continue
                header = table.rows[0]
                for row in table.rows[1:]:
                    values = dict(zip(header, row))
                    key = (values.get("knob"), values.get("value"), values.get("set by"))
                    seen.setdefault(key, []).append(name[:2])
    return [(knob, value, source, ", ".join(nbs)) for (knob, value, source), nbs in seen.items()]


@functools.lru_cache(maxsize=None)
def git_commit():
    try:
        commit = subprocess.run(["git", "-C", str(ROOT), "rev-parse", "HEAD"], capture_output=True, text=True,
                                check=True).stdout.strip()
        dirty = subprocess.run(["git", "-C", str(ROOT), "status", "--porcelain", "--untracked-files=no"],
                               capture_output=True, text=True, check=True).stdout.strip()
    except (OSError, subprocess.CalledProcessError):
        return None
    return {"hash": commit, "short": commit[:10], "dirty": bool(dirty)}


def regenerate_command(argv):
    """The main-job command with the options this run was given (paths inside the project made relative)."""
    options = []
    for arg in argv[1:]:
        path = Path(arg)
        if path.is_absolute() and path.resolve().is_relative_to(ROOT):
            arg = str(path.resolve().relative_to(ROOT))
        options.append(arg)
    return shlex.join(["environment/main.sh", *options])


def duration(seconds):
    if seconds is None:
        return "–"
    seconds = round(seconds)
    if seconds < 60:
        return f"{seconds} s"
    if seconds < 3600:
        return f"{seconds // 60} min {seconds % 60:02d} s"
    return f"{seconds // 3600} h {seconds % 3600 // 60:02d} min"
