#!/usr/bin/python3
"""PyTorch twins of the models in notebooks 02-05, for the reference numbers and the benchmark.

Each twin trains in PyTorch the same model as its notebook: the same layers, PyTorch's default
initialisation (which the notebooks set explicitly), the same Fashion-MNIST files, the same loss,
Adam with learning rate 1e-3 and batches of 512 reshuffled every epoch. It prints the notebook's
metrics on the 10,000 test images after every epoch, and a summary of the epochs the notebooks
quote (1, 10, 20, 50, 100).

    env -u OPENBLAS_CORETYPE -u OPENBLAS_L2_SIZE OPENBLAS_NUM_THREADS=1 \\
        /usr/bin/python3 bench/pytorch_twins.py ae --epochs 100

Models: ae (02), denoising and dropout (03), vae (04), aae (05). Data: the directory named by
AELAB_FASHION_MNIST_DIR, else /usr/share/datasets/fashion-mnist (Debian's dataset-fashion-mnist),
holding the four IDX files, gzip-compressed or raw: the same lookup as the helper jar, without its
download. `--serve` turns the script into the PyTorch side of bench/bench.py: it builds the model,
then trains one epoch per "train" line read on stdin and answers with a JSON line.

Two traps (issue 13): with the reference BLAS (python3-torch without libopenblas0-pthread) an AE
epoch takes 40 s instead of 2; Debian's OpenBLAS with OPENBLAS_CORETYPE set, or with several BLAS
threads competing with PyTorch's own, is several times slower. Run it as the command above shows.
"""

import argparse
import gzip
import json
import math
import os
import struct
import sys
import time
from pathlib import Path

import torch
from torch import nn
import torch.nn.functional as F

DEBIAN_DIR = Path("/usr/share/datasets/fashion-mnist")
FILES = {
    "train": ("train-images-idx3-ubyte", 60000),
    "test": ("t10k-images-idx3-ubyte", 10000),
}
QUOTED_EPOCHS = (1, 10, 20, 50, 100)


# ---------------------------------------------------------------- data

def data_dir():
    """AELAB_FASHION_MNIST_DIR, else Debian's package directory (the helper jar's order)."""
    configured = os.environ.get("AELAB_FASHION_MNIST_DIR")
    if configured:
        path = Path(configured)
        if not path.is_dir():
            sys.exit(f"AELAB_FASHION_MNIST_DIR={configured} is not a directory; point it at the "
                     "directory holding the four Fashion-MNIST IDX files (or unset it).")
        return path
    if DEBIAN_DIR.is_dir():
        return DEBIAN_DIR
    sys.exit("No Fashion-MNIST files: install the Debian package dataset-fashion-mnist, or set "
             "AELAB_FASHION_MNIST_DIR to a directory holding the four IDX files.")


def read_images(directory, split):
    """The split's images as a float32 tensor (n, 784) with pixels in [0, 1]."""
    name, count = FILES[split]
    for candidate in (directory / (name + ".gz"), directory / name):
        if candidate.is_file():
            opener = gzip.open if candidate.suffix == ".gz" else open
            try:
                with opener(candidate, "rb") as f:
                    raw = f.read()
            except (OSError, EOFError) as e:
                sys.exit(f"{candidate} cannot be read ({e}); the file is corrupt or truncated: "
                         "reinstall dataset-fashion-mnist or replace the file.")
            break
    else:
        sys.exit(f"{directory} has no {name}.gz (or {name}); it must hold the four Fashion-MNIST IDX files.")
    if len(raw) < 16:
        sys.exit(f"{candidate} is truncated ({len(raw)} bytes).")
    magic, n, rows, cols = struct.unpack(">IIII", raw[:16])
    if magic != 2051 or rows != 28 or cols != 28 or n != count:
        sys.exit(f"{candidate} is not the Fashion-MNIST {split} image file "
                 f"(magic {magic}, {n}x{rows}x{cols}; expected 2051, {count}x28x28).")
    if len(raw) != 16 + n * 784:
        sys.exit(f"{candidate} is truncated or too long: {len(raw)} bytes, expected {16 + n * 784}.")
    pixels = torch.frombuffer(bytearray(raw[16:]), dtype=torch.uint8)
    return pixels.view(n, 784).to(torch.float32).div_(255.0)


# ---------------------------------------------------------------- models (as in the notebooks)

def encoder(code_size, dropout=0.0):
    """784-256-128-code, ReLU; notebook 03's dropout AE adds dropout after each hidden ReLU."""
    layers = [nn.Linear(784, 256), nn.ReLU()]
    layers += [nn.Dropout(dropout)] if dropout else []
    layers += [nn.Linear(256, 128), nn.ReLU()]
    layers += [nn.Dropout(dropout)] if dropout else []
    layers += [nn.Linear(128, code_size)]
    return nn.Sequential(*layers)


def decoder(code_size, dropout=0.0):
    """code-128-256-784, ReLU, logits out."""
    layers = [nn.Linear(code_size, 128), nn.ReLU()]
    layers += [nn.Dropout(dropout)] if dropout else []
    layers += [nn.Linear(128, 256), nn.ReLU()]
    layers += [nn.Dropout(dropout)] if dropout else []
    layers += [nn.Linear(256, 784)]
    return nn.Sequential(*layers)


class VAE(nn.Module):
    """Notebook 04 (chapter 12.5): fc1 784-128 ReLU, fc2/fc3 128-20 (mu, log var), fc4 20-128 ReLU, fc5 128-784."""

    def __init__(self, code_size=20, hidden=128):
        super().__init__()
        self.fc1 = nn.Linear(784, hidden)
        self.fc2 = nn.Linear(hidden, code_size)
        self.fc3 = nn.Linear(hidden, code_size)
        self.fc4 = nn.Linear(code_size, hidden)
        self.fc5 = nn.Linear(hidden, 784)

    def encode(self, x):
        h = F.relu(self.fc1(x))
        return self.fc2(h), self.fc3(h)

    def decode(self, z):
        return self.fc5(F.relu(self.fc4(z)))

    def forward(self, x, generator=None):
        mu, log_var = self.encode(x)
        eps = torch.randn(mu.shape, generator=generator).to(mu.device)   # reparameterization
        z = mu + torch.exp(0.5 * log_var) * eps
        return self.decode(z), mu, log_var


def discriminator(code_size):
    """Notebook 05's D on codes: code-128-128-1, LeakyReLU of slope 0.2, one logit."""
    return nn.Sequential(nn.Linear(code_size, 128), nn.LeakyReLU(0.2), nn.Linear(128, 128), nn.LeakyReLU(0.2),
                         nn.Linear(128, 1))


# ---------------------------------------------------------------- losses and metrics

def sigmoid_cross_entropy(logits, pixels):
    """Notebook 02's loss: mean over pixels and batch of the binary cross-entropy, from logits."""
    return F.binary_cross_entropy_with_logits(logits, pixels)


def vae_terms(logits, mu, log_var, pixels):
    """Per image: summed sigmoid cross-entropy + closed-form KL; both averaged over the batch."""
    reconstruction = F.binary_cross_entropy_with_logits(logits, pixels, reduction="sum") / len(pixels)
    kl = -0.5 * torch.sum(1 + log_var - mu.pow(2) - log_var.exp()) / len(pixels)
    return reconstruction + kl, reconstruction, kl


def sse_per_image(reconstruction, pixels):
    """Per-image sums in float32 (784 terms), their total in float64, as the helper jar's Metrics."""
    per_image = ((reconstruction - pixels) ** 2).sum(dim=1)
    return float(per_image.double().sum() / len(pixels))


def bce_per_pixel_from_logits(logits, pixels):
    per_image = F.binary_cross_entropy_with_logits(logits, pixels, reduction="none").sum(dim=1)
    return float(per_image.double().sum() / pixels.numel())


def in_batches(function, images, size=1024):
    with torch.no_grad():
        return torch.cat([function(images[i:i + size]) for i in range(0, len(images), size)])


# ---------------------------------------------------------------- twins

class Twin:
    """One model, its optimiser(s), one training epoch and its test metrics."""

    def __init__(self, args, train, test):
        self.args = args
        self.train = train
        self.test = test
        self.shuffle = torch.Generator().manual_seed(args.seed)

    def epoch(self):
        """One pass over the training set; returns {term: sample-weighted mean}."""
        self.model.train()
        order = torch.randperm(len(self.train), generator=self.shuffle)
        sums, seen = {}, 0
        for start in range(0, len(order), self.args.batch_size):
            index = order[start:start + self.args.batch_size]
            x = self.train[index]
            terms = self.step(x)
            for name, value in terms.items():
                sums[name] = sums.get(name, 0.0) + value.detach() * len(x)
            seen += len(x)
        return {name: float(value) / seen for name, value in sums.items()}


class AutoencoderTwin(Twin):
    """02 (plain), 03 (denoising: noise on the input; dropout: dropout layers)."""

    def __init__(self, args, train, test, noise=0.0, dropout=0.0):
        super().__init__(args, train, test)
        torch.manual_seed(args.seed)
        self.noise = noise
        self.model = nn.Sequential(encoder(args.code_size, dropout), decoder(args.code_size, dropout))
        self.optimizer = torch.optim.Adam(self.model.parameters(), lr=args.lr)
        # One noisy test set, drawn once with its own seed and kept for every measurement (03).
        noise_draw = torch.Generator().manual_seed(args.seed + 1)
        self.noisy_test = test + args.noise * torch.randn(test.shape, generator=noise_draw).to(test.device)
        self.parts = [0.0] * 4

    def step(self, x):
        clock = [time.perf_counter()]
        inputs = x + self.noise * torch.randn_like(x) if self.noise else x   # fresh noise per batch
        # --autocast bf16: bf16 matrix products, fp32 master weights, gradients and Adam; the loss in fp32.
        with torch.autocast("cpu", dtype=torch.bfloat16, enabled=self.args.autocast == "bf16"):
            logits = self.model(inputs)
        clock.append(time.perf_counter())
        loss = sigmoid_cross_entropy(logits.float(), x)
        clock.append(time.perf_counter())
        self.optimizer.zero_grad(set_to_none=True)
        loss.backward()
        clock.append(time.perf_counter())
        self.optimizer.step()
        clock.append(time.perf_counter())
        for part in range(4):                     # --parts: forward, loss, backward, Adam's step
            self.parts[part] += clock[part + 1] - clock[part]
        return {"loss": loss}

    def evaluate(self, full=True):
        self.model.eval()
        # Fit evaluates the loss on the transformed test input, as it trains.
        inputs = self.test + self.noise * torch.randn_like(self.test) if self.noise else self.test
        loss_logits = in_batches(self.model, inputs)
        terms = {"test loss": float(sigmoid_cross_entropy(loss_logits, self.test))}
        if full:
            logits = in_batches(self.model, self.test) if self.noise else loss_logits
            noisy_logits = in_batches(self.model, self.noisy_test)
            terms.update({"SSE/img": sse_per_image(torch.sigmoid(logits), self.test),
                          "SSE/img noisy input": sse_per_image(torch.sigmoid(noisy_logits), self.test),
                          "BCE/pixel": bce_per_pixel_from_logits(logits, self.test)})
        return terms

    def header(self):
        return f"noisy test input itself: SSE/img {sse_per_image(self.noisy_test, self.test):.2f}"


class VaeTwin(Twin):
    def __init__(self, args, train, test):
        super().__init__(args, train, test)
        torch.manual_seed(args.seed)
        self.model = VAE(args.code_size)
        self.optimizer = torch.optim.Adam(self.model.parameters(), lr=args.lr)
        self.test_noise = torch.Generator().manual_seed(args.seed + 1)

    def step(self, x):
        total, reconstruction, kl = vae_terms(*self.model(x), x)
        self.optimizer.zero_grad(set_to_none=True)
        total.backward()
        self.optimizer.step()
        return {"total": total, "reconstruction": reconstruction, "kl": kl}

    def evaluate(self, full=True):
        """-ELBO with one sampled z per test image; SSE/img decoded from mu."""
        self.model.eval()
        sums = torch.zeros(3, dtype=torch.float64)
        with torch.no_grad():
            for i in range(0, len(self.test), 1024):
                x = self.test[i:i + 1024]
                terms = vae_terms(*self.model(x, self.test_noise), x)
                sums += torch.tensor([float(t) * len(x) for t in terms], dtype=torch.float64)
            if full:
                means = in_batches(lambda x: torch.sigmoid(self.model.decode(self.model.encode(x)[0])), self.test)
        total, reconstruction, kl = (sums / len(self.test)).tolist()
        terms = {"-ELBO": total, "reconstruction": reconstruction, "KL": kl}
        if full:
            terms["SSE/img (mu)"] = sse_per_image(means, self.test)
        return terms

    def header(self):
        return ""


class AaeTwin(Twin):
    """Three steps per batch: reconstruction (encoder+decoder), discriminator, regularisation (encoder)."""

    def __init__(self, args, train, test):
        super().__init__(args, train, test)
        torch.manual_seed(args.seed)
        self.encoder = encoder(args.code_size)
        self.decoder = decoder(args.code_size)
        self.discriminator = discriminator(args.code_size)
        self.model = nn.ModuleList([self.encoder, self.decoder, self.discriminator])
        autoencoder = list(self.encoder.parameters()) + list(self.decoder.parameters())
        self.reconstruction_opt = torch.optim.Adam(autoencoder, lr=args.lr)
        # Notebook 05's choice for both adversarial steps: a smaller rate and beta1 = 0.5 (GAN practice).
        self.discriminator_opt = torch.optim.Adam(self.discriminator.parameters(), lr=args.aae_adversarial_lr,
                                                  betas=(0.5, 0.999))
        self.generator_opt = torch.optim.Adam(self.encoder.parameters(), lr=args.aae_adversarial_lr,
                                              betas=(0.5, 0.999))
        self.test_prior = torch.Generator().manual_seed(args.seed + 1)

    def step(self, x):
        reconstruction = sigmoid_cross_entropy(self.decoder(self.encoder(x)), x)
        self.reconstruction_opt.zero_grad(set_to_none=True)
        reconstruction.backward()
        self.reconstruction_opt.step()

        codes = self.encoder(x).detach()
        prior = torch.randn_like(codes)
        real, fake = self.discriminator(prior), self.discriminator(codes)
        d_loss = (F.binary_cross_entropy_with_logits(real, torch.ones_like(real))
                  + F.binary_cross_entropy_with_logits(fake, torch.zeros_like(fake))) / 2
        self.discriminator_opt.zero_grad(set_to_none=True)
        d_loss.backward()
        self.discriminator_opt.step()

        fooled = self.discriminator(self.encoder(x))
        g_loss = F.binary_cross_entropy_with_logits(fooled, torch.ones_like(fooled))
        self.generator_opt.zero_grad(set_to_none=True)
        g_loss.backward()
        self.generator_opt.step()
        return {"reconstruction": reconstruction, "discriminator": d_loss, "generator": g_loss}

    def evaluate(self, full=True):
        self.model.eval()
        with torch.no_grad():
            codes = in_batches(self.encoder, self.test)
            logits = self.decoder(codes)
            prior = torch.randn(codes.shape, generator=self.test_prior).to(codes.device)
            correct = (self.discriminator(prior) > 0).sum() + (self.discriminator(codes) <= 0).sum()
        return {"SSE/img": sse_per_image(torch.sigmoid(logits), self.test),
                "BCE/pixel": bce_per_pixel_from_logits(logits, self.test),
                "D accuracy": float(correct) / (2 * len(codes))}

    def header(self):
        return ""


def make_twin(args, train, test):
    if args.model == "ae":
        twin = AutoencoderTwin(args, train, test)
    elif args.model == "denoising":
        twin = AutoencoderTwin(args, train, test, noise=args.noise)
    elif args.model == "dropout":
        twin = AutoencoderTwin(args, train, test, dropout=args.dropout)
    elif args.model == "vae":
        twin = VaeTwin(args, train, test)
    else:
        twin = AaeTwin(args, train, test)
    # Moves the parameters in place, so the optimisers made above keep pointing at them. Seeded draws
    # (initialisation, batch order, the VAE's noise) stay on the CPU and are copied over, so they do
    # not depend on the device.
    twin.model.to(args.device)
    return twin


# ---------------------------------------------------------------- running

def peak_rss_mb():
    with open("/proc/self/status") as f:
        for line in f:
            if line.startswith("VmHWM:"):
                return int(line.split()[1]) / 1024
    return float("nan")


def load(args):
    directory = data_dir()
    train = read_images(directory, "train")
    if args.train_limit < len(train):
        order = torch.randperm(len(train), generator=torch.Generator().manual_seed(args.seed))
        train = train[order[:args.train_limit]].contiguous()
    return train.to(args.device), read_images(directory, "test").to(args.device)


def loaded_blas():
    """The BLAS library this process mapped (which of Debian's OpenBLAS builds, or the reference BLAS)."""
    with open("/proc/self/maps") as maps:
        paths = {line.split()[-1] for line in maps if "blas" in line.rsplit("/", 1)[-1]}
    return ", ".join(sorted(paths)) or "(none mapped yet)"


def describe_threads(args):
    torch.ones(2, 2) @ torch.ones(2, 2)        # a product, so that the BLAS library is loaded
    return (f"torch {torch.__version__}, device {args.device}, intra-op threads {torch.get_num_threads()}, "
            f"OPENBLAS_NUM_THREADS={os.environ.get('OPENBLAS_NUM_THREADS', '(unset)')}, "
            f"OMP_NUM_THREADS={os.environ.get('OMP_NUM_THREADS', '(unset)')}, "
            f"OPENBLAS_CORETYPE={os.environ.get('OPENBLAS_CORETYPE', '(unset)')}, BLAS {loaded_blas()}")


def train_and_report(args):
    train, test = load(args)
    twin = make_twin(args, train, test)
    print(f"# {args.model}: {len(train):,} training images, batch {args.batch_size}, Adam {args.lr}, "
          f"seed {args.seed}, {args.epochs} epochs, autocast {args.autocast}; {describe_threads(args)}", flush=True)
    if twin.header():
        print("# " + twin.header(), flush=True)
    quoted = {}
    for epoch in range(1, args.epochs + 1):
        start = time.perf_counter()
        train_terms = twin.epoch()
        train_s = time.perf_counter() - start
        start = time.perf_counter()
        quoted_epoch = epoch in QUOTED_EPOCHS or epoch == args.epochs
        test_terms = twin.evaluate(full=quoted_epoch or args.metrics_every_epoch)
        eval_s = time.perf_counter() - start
        line = " · ".join([f"epoch {epoch}/{args.epochs}"]
                          + [f"train {k} {v:.4f}" for k, v in train_terms.items()]
                          + [f"{k} {v:.4f}" for k, v in test_terms.items()]
                          + [f"train {train_s:.2f} s", f"eval {eval_s:.2f} s"])
        print(line, flush=True)
        if args.parts:
            print("# epoch {} parts: forward {:.3f} s, loss {:.3f} s, backward {:.3f} s, Adam {:.3f} s".format(
                epoch, *twin.parts), flush=True)
            twin.parts = [0.0] * 4
        if quoted_epoch:
            quoted[epoch] = test_terms
    print(f"# summary ({args.model}); peak RSS {peak_rss_mb():.0f} MB")
    names = list(next(iter(quoted.values())).keys())
    print("| epoch | " + " | ".join(names) + " |")
    print("|---|" + "---|" * len(names))
    for epoch, terms in quoted.items():
        print(f"| {epoch} | " + " | ".join(f"{terms[n]:.4g}" for n in names) + " |")


def serve(args):
    """The benchmark's PyTorch side: one epoch per 'train' line; JSON answers on stdout."""
    train, test = load(args)
    twin = make_twin(args, train, test)
    print(json.dumps({"ready": True, "threads": describe_threads(args)}), flush=True)
    for line in sys.stdin:
        command = line.strip()
        if command == "train":
            start = time.perf_counter()
            terms = twin.epoch()
            answer = {"train_s": time.perf_counter() - start, "terms": terms}
        elif command == "evaluate":
            start = time.perf_counter()
            terms = twin.evaluate()
            answer = {"eval_s": time.perf_counter() - start, "terms": terms}
        elif command == "rss":
            answer = {"peak_rss_mb": peak_rss_mb()}
        elif command == "quit":
            return
        else:
            answer = {"error": f"unknown command {command!r}; use train, evaluate, rss or quit"}
        print(json.dumps(answer), flush=True)


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0],
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("model", choices=["ae", "denoising", "dropout", "vae", "aae"],
                        help="ae: notebook 02; denoising, dropout: 03; vae: 04; aae: 05")
    parser.add_argument("--epochs", type=int, default=100)
    parser.add_argument("--seed", type=int, default=42)
    parser.add_argument("--batch-size", type=int, default=512)
    parser.add_argument("--lr", type=float, default=1e-3, help="Adam's learning rate (AAE: the reconstruction step's)")
    parser.add_argument("--train-limit", type=int, default=60000, help="training images used (first N of a seeded shuffle)")
    parser.add_argument("--code-size", type=int, default=20)
    parser.add_argument("--noise", type=float, default=0.3, help="denoising: Gaussian noise stddev, not clipped")
    parser.add_argument("--dropout", type=float, default=0.2, help="dropout: rate after every hidden ReLU")
    parser.add_argument("--aae-adversarial-lr", type=float, default=2e-4,
                        help="AAE: Adam learning rate of the discriminator and regularisation steps "
                             "(beta1 0.5, as notebook 05)")
    parser.add_argument("--metrics-every-epoch", action="store_true",
                        help="all test metrics after every epoch (default: the test loss after every epoch, "
                             "all metrics after epochs 1, 10, 20, 50, 100 and the last, as the notebooks do)")
    parser.add_argument("--threads", type=int, help="torch.set_num_threads (default: PyTorch's own choice)")
    parser.add_argument("--parts", action="store_true",
                        help="ae, denoising, dropout: also print each epoch's forward, loss, backward and Adam times")
    parser.add_argument("--serve", action="store_true", help="benchmark mode: one epoch per 'train' line on stdin")
    parser.add_argument("--autocast", choices=["off", "bf16"], default="off",
                        help="ae, denoising, dropout: train with torch.autocast's bf16 matrix products (fp32 "
                             "master weights), to see what bf16 would give on this CPU (docs/benchmarks.md)")
    parser.add_argument("--device", default="cpu",
                        help="where the data and the model live: cpu (default) or cuda (a GPU, for bench.py --gpu)")
    args = parser.parse_args()
    for name in ("epochs", "batch_size", "train_limit", "code_size"):
        if getattr(args, name) < 1:
            parser.error(f"--{name.replace('_', '-')} must be at least 1")
    if not 0 <= args.dropout < 1:
        parser.error("--dropout must be in [0, 1)")
    if args.autocast != "off" and args.model not in ("ae", "denoising", "dropout"):
        parser.error(f"--autocast is for the autoencoders of 02 and 03 (ae, denoising, dropout), not {args.model}")
    if args.parts and args.model not in ("ae", "denoising", "dropout"):
        parser.error(f"--parts is for the autoencoders of 02 and 03 (ae, denoising, dropout), not {args.model}")
    if args.threads:
        torch.set_num_threads(args.threads)
    if args.device != "cpu" and not (args.device.startswith("cuda") and torch.cuda.is_available()):
        parser.error(f"--device {args.device}: this PyTorch ({torch.__version__}) sees no such device; "
                     "use cpu, or cuda on a machine whose PyTorch has CUDA and a GPU")
    if args.serve:
        serve(args)
    else:
        train_and_report(args)



# ---------------------------------------------------------------- notebook 06: beta-VAE, conditional VAE, IW likelihood
#
#     env -u OPENBLAS_CORETYPE -u OPENBLAS_L2_SIZE OPENBLAS_NUM_THREADS=1 \
#         /usr/bin/python3 bench/pytorch_twins.py beta-vae --beta 4 --epochs 20
#     ... cvae --epochs 100      ... vae-iw --epochs 100      (--iw-images 1000 --iw-samples 1000)
#
# Each trains notebook 06's model, prints the test -ELBO, reconstruction, KL and active units after
# every epoch, and at the end the importance-weighted -log p(x) (cvae: -log p(x | y)) on the first
# --iw-images test images with --iw-samples draws each, with its standard error and the K = 1, 10,
# 100, 1000 estimates.

LABEL_FILES = {"train": ("train-labels-idx1-ubyte", 60000), "test": ("t10k-labels-idx1-ubyte", 10000)}


def read_labels(directory, split):
    """The split's classes as an int64 tensor (n,)."""
    name, count = LABEL_FILES[split]
    for candidate in (directory / (name + ".gz"), directory / name):
        if candidate.is_file():
            with (gzip.open if candidate.suffix == ".gz" else open)(candidate, "rb") as f:
                raw = f.read()
            break
    else:
        sys.exit(f"{directory} has no {name}.gz (or {name}); it must hold the four Fashion-MNIST IDX files.")
    magic, n = struct.unpack(">II", raw[:8])
    if magic != 2049 or n != count or len(raw) != 8 + n:
        sys.exit(f"{candidate} is not the Fashion-MNIST {split} label file (magic {magic}, {n} labels).")
    return torch.frombuffer(bytearray(raw[8:]), dtype=torch.uint8).to(torch.int64)


class ConditionalVAE(VAE):
    """Notebook 06: notebook 04's VAE with the one-hot class joined to the inputs of fc1 and fc4."""

    def __init__(self, code_size=20, hidden=128, classes=10):
        super().__init__(code_size, hidden)
        self.fc1 = nn.Linear(784 + classes, hidden)
        self.fc4 = nn.Linear(code_size + classes, hidden)

    def encode(self, x, y):
        return super().encode(torch.cat([x, y], dim=1))

    def decode(self, z, y):
        return super().decode(torch.cat([z, y], dim=1))

    def forward(self, x, y, generator=None):
        mu, log_var = self.encode(x, y)
        eps = torch.randn(mu.shape, generator=generator).to(mu.device)
        return self.decode(mu + torch.exp(0.5 * log_var) * eps, y), mu, log_var


def log_weights(decode, x, mu, log_var, k, generator):
    """log w_k = log p(x|z_k) + log p(z_k) - log q(z_k|x), z_k ~ q(z|x): (n, K); the log 2pi terms cancel."""
    eps = torch.randn((len(x), k, mu.shape[1]), generator=generator)
    z = mu[:, None, :] + torch.exp(0.5 * log_var)[:, None, :] * eps
    logits = decode(z.reshape(-1, mu.shape[1])).reshape(len(x), k, 784)
    log_decoder = -F.binary_cross_entropy_with_logits(logits, x[:, None, :].expand_as(logits), reduction="none").sum(2)
    return log_decoder - 0.5 * z.pow(2).sum(2) + 0.5 * (eps.pow(2) + log_var[:, None, :]).sum(2)


class PastChapterTwin(Twin):
    """beta-vae (recon + beta KL), vae-iw (notebook 04's VAE, beta 1), cvae (conditional on the class)."""

    def __init__(self, args, train, test, train_y, test_y):
        super().__init__(args, train, test)
        self.conditional = args.model == "cvae"
        self.beta = args.beta if args.model == "beta-vae" else 1.0
        self.train_y = F.one_hot(train_y, 10).float()
        self.test_y = F.one_hot(test_y, 10).float()
        torch.manual_seed(args.seed)
        self.model = ConditionalVAE(args.code_size) if self.conditional else VAE(args.code_size)
        self.optimizer = torch.optim.Adam(self.model.parameters(), lr=args.lr)
        self.test_noise = torch.Generator().manual_seed(args.seed + 1)

    def outputs(self, x, y, generator=None):
        return self.model(x, y, generator) if self.conditional else self.model(x, generator)

    def epoch(self):
        self.model.train()
        order = torch.randperm(len(self.train), generator=self.shuffle)
        sums, seen = {}, 0
        for start in range(0, len(order), self.args.batch_size):
            index = order[start:start + self.args.batch_size]
            x, y = self.train[index], self.train_y[index]
            _, reconstruction, kl = vae_terms(*self.outputs(x, y), x)
            objective = reconstruction + self.beta * kl
            self.optimizer.zero_grad(set_to_none=True)
            objective.backward()
            self.optimizer.step()
            for name, value in (("objective", objective), ("reconstruction", reconstruction), ("kl", kl)):
                sums[name] = sums.get(name, 0.0) + value.detach() * len(x)
            seen += len(x)
        return {name: float(value) / seen for name, value in sums.items()}

    def encode(self, x, y):
        return self.model.encode(x, y) if self.conditional else self.model.encode(x)

    def evaluate(self, full=True):
        self.model.eval()
        sums = torch.zeros(3, dtype=torch.float64)
        with torch.no_grad():
            for i in range(0, len(self.test), 1024):
                x, y = self.test[i:i + 1024], self.test_y[i:i + 1024]
                terms = vae_terms(*self.outputs(x, y, self.test_noise), x)
                sums += torch.tensor([float(t) * len(x) for t in terms], dtype=torch.float64)
            mu = self.encode(self.test, self.test_y)[0]
        total, reconstruction, kl = (sums / len(self.test)).tolist()
        return {"-ELBO": total, "reconstruction": reconstruction, "KL": kl,
                "active units": int((mu.var(dim=0, unbiased=False) > 0.01).sum())}

    def importance_weighted(self, images, samples):
        generator = torch.Generator().manual_seed(self.args.seed)
        chunks = []
        with torch.no_grad():
            for i in range(0, images, 10):
                x, y = self.test[i:min(i + 10, images)], self.test_y[i:min(i + 10, images)]
                mu, log_var = self.encode(x, y)
                decode = (lambda z, y=y: self.model.decode(z, y.repeat_interleave(samples, 0))) \
                    if self.conditional else self.model.decode
                chunks.append(log_weights(decode, x, mu, log_var, samples, generator))
        log_w = torch.cat(chunks).double()
        def neg_log_p(k):
            return -(torch.logsumexp(log_w[:, :k], dim=1) - math.log(k))
        per_image = neg_log_p(samples)
        result = {"-log p (IW)": float(per_image.mean()),
                  "standard error": float(per_image.std() / math.sqrt(len(per_image))) if len(per_image) > 1 else float("nan"),
                  "-ELBO (same draws)": float(-log_w.mean())}
        for k in (1, 10, 100, 1000):
            if k <= samples:
                result[f"K={k}"] = float(neg_log_p(k).mean())
        return result

    def header(self):
        return f"beta {self.beta}, {'conditional on the class' if self.conditional else 'unconditional'}"


def past_chapter_main(argv):
    parser = argparse.ArgumentParser(description="PyTorch twins of notebook 06")
    parser.add_argument("model", choices=["beta-vae", "cvae", "vae-iw"])
    parser.add_argument("--beta", type=float, default=1.0, help="beta-vae: the KL weight")
    parser.add_argument("--epochs", type=int, default=100)
    parser.add_argument("--seed", type=int, default=42)
    parser.add_argument("--batch-size", type=int, default=512)
    parser.add_argument("--lr", type=float, default=1e-3)
    parser.add_argument("--train-limit", type=int, default=60000)
    parser.add_argument("--code-size", type=int, default=20)
    parser.add_argument("--iw-images", type=int, default=1000)
    parser.add_argument("--iw-samples", type=int, default=1000)
    parser.add_argument("--threads", type=int)
    args = parser.parse_args(argv)
    for name in ("epochs", "batch_size", "train_limit", "code_size", "iw_images", "iw_samples"):
        if getattr(args, name) < 1:
            parser.error(f"--{name.replace('_', '-')} must be at least 1")
    if args.threads:
        torch.set_num_threads(args.threads)
    args.device = "cpu"
    directory = data_dir()
    train, train_y = read_images(directory, "train"), read_labels(directory, "train")
    if args.train_limit < len(train):
        order = torch.randperm(len(train), generator=torch.Generator().manual_seed(args.seed))[:args.train_limit]
        train, train_y = train[order].contiguous(), train_y[order].contiguous()
    test, test_y = read_images(directory, "test"), read_labels(directory, "test")
    twin = PastChapterTwin(args, train, test, train_y, test_y)
    print(f"# {args.model}: {twin.header()}; {len(train):,} training images, {args.epochs} epochs; "
          f"{describe_threads(args)}", flush=True)
    for epoch in range(1, args.epochs + 1):
        start = time.perf_counter()
        train_terms = twin.epoch()
        train_s = time.perf_counter() - start
        test_terms = twin.evaluate()
        print(" · ".join([f"epoch {epoch}/{args.epochs}"] + [f"train {k} {v:.4f}" for k, v in train_terms.items()]
                         + [f"{k} {v:.4f}" if isinstance(v, float) else f"{k} {v}" for k, v in test_terms.items()]
                         + [f"train {train_s:.2f} s"]), flush=True)
    start = time.perf_counter()
    iw = twin.importance_weighted(min(args.iw_images, len(test)), args.iw_samples)
    print(f"# importance-weighted, {min(args.iw_images, len(test))} test images x {args.iw_samples} samples "
          f"({time.perf_counter() - start:.1f} s): " + " · ".join(f"{k} {v:.4f}" for k, v in iw.items()), flush=True)


if __name__ == "__main__":
    if sys.argv[1:2] and sys.argv[1] in ("beta-vae", "cvae", "vae-iw"):
        past_chapter_main(sys.argv[1:])
    else:
        main()
