"""CIFAR-10 in its official on-disk format (``cifar-10-batches-py``), a verified download, tiny fakes for
tests, and a loader that keeps the whole data set on the device as uint8 and augments it there.

Format (Krizhevsky, https://www.cs.toronto.edu/~kriz/cifar.html): ``data_batch_1`` … ``data_batch_5``,
``test_batch`` and
``batches.meta``, each a dict pickled by Python 2. ``data`` is a uint8 array (N, 3072) holding the
R, G, B planes of 32×32 images; ``labels`` a list of ints 0–9. Keys are ``b'data'`` or ``'data'``
depending on the unpickling encoding, so the loader normalises them.

Images stay in [0, 1] pixel space (ε = 8/255 is in those units); the models normalise inside
(``course_lib.models.preact_resnet.Normalize``).
"""

from __future__ import annotations

import contextlib
import hashlib
import io
import itertools
import os
import pickle
import shutil
import tarfile
import tempfile
import urllib.error
import urllib.request
from collections.abc import Iterable, Iterator
from pathlib import Path

import numpy as np
import torch

from course_lib import _validate
from course_lib.seeding import effective_seed

URL = "https://www.cs.toronto.edu/~kriz/cifar-10-python.tar.gz"
MD5 = "c58f30108f718f92721af3b95e74349a"
FOLDER = "cifar-10-batches-py"
TRAIN_FILES = tuple(f"data_batch_{i}" for i in range(1, 6))
TEST_FILE = "test_batch"
META_FILE = "batches.meta"
# md5 of each file of the official archive (the same values as torchvision's CIFAR10 class)
FILE_MD5 = {"data_batch_1": "c99cafc152244af753f735de768cd75f",
            "data_batch_2": "d4bba439e000b95fd0a9bffe97cbabec",
            "data_batch_3": "54ebc095f3ab1f0389bbae665268c751",
            "data_batch_4": "634d18415352ddfa80567beed471001a",
            "data_batch_5": "482c414d41f54cd18b22e5b47cb7c3cb",
            "test_batch": "40351d587109b95175f43aff81a1287e",
            META_FILE: "5ff9c542aee3614f3951f8cda6e48888"}
CLASSES = ("airplane", "automobile", "bird", "cat", "deer", "dog", "frog", "horse", "ship", "truck")
MEAN = (0.4914, 0.4822, 0.4465)   # per-channel statistics of the training set (as in Wong et al. 2020)
STD = (0.2471, 0.2435, 0.2616)


class DatasetNotFoundError(FileNotFoundError):
    """CIFAR-10 is not on disk and could not be downloaded."""


class DataFileError(ValueError):
    """A CIFAR-10 batch file is truncated, altered or not a batch file; the message names it and the fix."""


class DownloadError(RuntimeError):
    """The downloaded archive is corrupt (md5 mismatch) or does not hold CIFAR-10."""


# ------------------------------------------------------------------------------------------ reading
class _BatchUnpickler(pickle.Unpickler):
    """Unpickle only numpy arrays and plain containers: a data file can never run code."""

    _ALLOWED = {("numpy.core.multiarray", "_reconstruct"), ("numpy._core.multiarray", "_reconstruct"),
                ("numpy", "ndarray"), ("numpy", "dtype"), ("_codecs", "encode")}

    def find_class(self, module: str, name: str) -> object:
        if (module, name) not in self._ALLOWED:
            raise pickle.UnpicklingError(f"unexpected object {module}.{name} in a CIFAR-10 batch file")
        return super().find_class(module.replace("numpy.core.", "numpy._core."), name)


def _key(k: object) -> object:
    return k.decode("latin1") if isinstance(k, bytes) else k


def read_batch(path: str | os.PathLike) -> dict:
    """One pickled batch as a dict with ``str`` keys (Python-2 byte keys are decoded)."""
    with open(path, "rb") as f:
        raw = _BatchUnpickler(f, encoding="latin1").load()
    return {_key(k): v for k, v in raw.items()}


def _redownload(root: Path) -> str:
    return f"re-download it with `python -m course_lib.data.cifar10 --download {root}`"


def read_checked_batch(path: Path, n_images: int | None = None) -> dict:
    """:func:`read_batch` with a :class:`DataFileError` naming the file, its md5 (when the official one is
    known) and the fix, instead of a bare unpickling or reshaping error."""
    try:
        batch = read_batch(path)
        data, labels = np.asarray(batch["data"]), np.asarray(batch["labels"])
        if data.ndim != 2 or data.shape[1] != 3072 or data.dtype != np.uint8 or len(labels) != len(data):
            raise ValueError(f"'data' has shape {data.shape} and dtype {data.dtype} with {len(labels)} "
                             "labels, expected (N, 3072) uint8 and N labels")
        if n_images is not None and len(data) != n_images:
            raise ValueError(f"it holds {len(data)} images, expected {n_images}")
        if labels.size and not (0 <= labels.min() and labels.max() < len(CLASSES)):
            raise ValueError("its labels are outside 0..9")
    except (pickle.UnpicklingError, EOFError, ValueError, KeyError, TypeError, AttributeError,
            UnicodeDecodeError, IndexError) as err:
        detail = str(err).splitlines()[0][:200] if str(err) else type(err).__name__
        known = FILE_MD5.get(path.name)
        md5 = f"; its md5 is {_md5(path)}, the official file's is {known}" if known else ""
        raise DataFileError(f"CIFAR-10 file {path} is truncated or altered ({detail}{md5}); delete "
                            f"{path.parent} and {_redownload(path.parent.parent)}") from None
    return {**batch, "data": data, "labels": labels}


def find_cifar10(root: str | os.PathLike) -> Path:
    """The ``cifar-10-batches-py`` folder under ``root`` (or ``root`` itself); clear error when absent."""
    root = Path(root)
    for folder in (root / FOLDER, root):
        if all((folder / name).is_file() for name in (*TRAIN_FILES, TEST_FILE)):
            return folder
    for folder in (root / FOLDER, root):
        present = [name for name in (*TRAIN_FILES, TEST_FILE) if (folder / name).is_file()]
        if present:
            missing = [name for name in (*TRAIN_FILES, TEST_FILE) if name not in present]
            what = ("the test split" if missing == [TEST_FILE] else
                    "the training split" if TEST_FILE not in missing else "both splits")
            raise DatasetNotFoundError(
                f"CIFAR-10 in '{folder}' is incomplete: {what} is missing ({', '.join(missing)} not found); "
                f"{_redownload(root)}")
    raise DatasetNotFoundError(
        f"CIFAR-10 not found under '{root}' (expected {root / FOLDER}/data_batch_1..5 and test_batch). "
        f"Download it on a machine with internet: `python -m course_lib.data.cifar10 --download {root}` "
        f"(or fetch {URL}, md5 {MD5}, and unpack it there), or run the lab with --profile smoke, "
        "which writes a tiny fake data set.")


def load_cifar10(root: str | os.PathLike, *, train: bool = True) -> tuple[torch.Tensor, torch.Tensor]:
    """Images as uint8 (N, 3, 32, 32) and labels as int64 (N,), on the CPU."""
    folder = find_cifar10(root)
    names = TRAIN_FILES if train else (TEST_FILE,)
    parts = [read_checked_batch(folder / name) for name in names]
    x = np.concatenate([np.asarray(p["data"], dtype=np.uint8) for p in parts]).reshape(-1, 3, 32, 32)
    y = np.concatenate([np.asarray(p["labels"], dtype=np.int64) for p in parts])
    return torch.from_numpy(x), torch.from_numpy(y)


# ---------------------------------------------------------------------------------------- download
def _md5(path: Path) -> str:
    h = hashlib.md5()
    with open(path, "rb") as f:
        for chunk in iter(lambda: f.read(1 << 20), b""):
            h.update(chunk)
    return h.hexdigest()


def download_cifar10(root: str | os.PathLike, *, url: str = URL, md5: str = MD5, progress: bool = True,
                     timeout: float = 30.0) -> Path:
    """Download the archive, check its md5, extract it, and move ``cifar-10-batches-py`` into ``root``.

    Atomic: the archive goes to a temporary file and is unpacked into a temporary folder; only a
    verified, complete folder is renamed into place, so a failed download leaves nothing that looks
    like a data set. Returns the data folder.
    """
    from tqdm.auto import tqdm

    root = Path(root)
    with contextlib.suppress(DatasetNotFoundError):
        return find_cifar10(root)
    root.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory(prefix=".cifar10-download-", dir=root) as tmp:
        archive = Path(tmp) / "cifar-10-python.tar.gz"
        try:
            with urllib.request.urlopen(url, timeout=timeout) as response, open(archive, "wb") as out:
                total = int(response.headers.get("Content-Length") or 0) or None
                with tqdm(total=total, unit="B", unit_scale=True, desc="CIFAR-10",
                          disable=not progress) as bar:
                    for chunk in iter(lambda: response.read(1 << 20), b""):
                        out.write(chunk)
                        bar.update(len(chunk))
        except (urllib.error.URLError, OSError) as err:
            raise DatasetNotFoundError(
                f"could not download CIFAR-10 from {url} ({err}). Without internet, copy "
                f"cifar-10-python.tar.gz (md5 {MD5}) to another machine's download, unpack it into "
                f"'{root}', or use --profile smoke (tiny fake data).") from None
        got = _md5(archive)
        if got != md5:
            raise DownloadError(f"md5 mismatch for {url}: expected {md5}, got {got}; the download is "
                                "corrupt or incomplete and was deleted. Try again.")
        unpacked = Path(tmp) / "unpacked"
        try:
            with tarfile.open(archive, "r:gz") as tar:
                tar.extractall(unpacked, filter="data")
            folder = find_cifar10(unpacked)
        except (tarfile.TarError, OSError, DatasetNotFoundError) as err:
            raise DownloadError(f"the archive from {url} does not hold CIFAR-10 ({err})") from None
        target = root / FOLDER
        if target.exists():                     # an incomplete folder from an older copy: replace it
            shutil.rmtree(target)
        os.replace(folder, target)
    return target


# ---------------------------------------------------------------------------------- fake data sets
class _Py2Pickler(pickle._Pickler):
    """Pickles ``str`` and ``bytes`` as Python-2 ``str`` (SHORT_BINSTRING/BINSTRING) and names numpy's
    module as Python 2's numpy did, so a fake batch loads exactly like the real files: ``b'data'`` keys
    under ``encoding='bytes'``, ``'data'`` under ``encoding='latin1'``."""

    dispatch = pickle._Pickler.dispatch.copy()

    def _save_py2_str(self, obj: str | bytes) -> None:
        data = obj if isinstance(obj, bytes) else obj.encode("latin1")
        if len(data) < 256:
            self.write(pickle.SHORT_BINSTRING + bytes([len(data)]) + data)
        else:
            self.write(pickle.BINSTRING + len(data).to_bytes(4, "little") + data)
        self.memoize(obj)

    def save_global(self, obj: object, name: str | None = None) -> None:
        module = getattr(obj, "__module__", "")
        if module.startswith("numpy._core"):
            name = name or obj.__qualname__
            self.write(pickle.GLOBAL + f"{module.replace('numpy._core', 'numpy.core')}\n{name}\n".encode())
            self.memoize(obj)
        else:
            super().save_global(obj, name)

    dispatch[str] = _save_py2_str
    dispatch[bytes] = _save_py2_str
    dispatch[type(len)] = save_global           # builtin functions such as _reconstruct


def _write_py2_pickle(path: Path, obj: dict) -> None:
    buf = io.BytesIO()
    _Py2Pickler(buf, protocol=2).dump(obj)
    path.write_bytes(buf.getvalue())


def fake_images(n: int, seed: int = 0) -> tuple[np.ndarray, np.ndarray]:
    """``n`` learnable 32×32 RGB images (uint8, (n, 3072)) and labels: class c is a colour and a stripe
    orientation plus noise, so tiny models learn something in a smoke run."""
    rng = np.random.default_rng(effective_seed(seed))
    labels = np.arange(n) % 10
    rng.shuffle(labels)
    hue = rng.uniform(40, 215, size=(10, 3, 1, 1))
    u = np.arange(32)
    stripes = np.stack([np.sin((np.cos(a) * u[:, None] + np.sin(a) * u[None, :]) * 0.6)
                        for a in np.linspace(0, np.pi, 10, endpoint=False)])
    img = hue[labels] + 40 * stripes[labels][:, None] + rng.normal(0, 25, size=(n, 3, 32, 32))
    return np.clip(img, 0, 255).astype(np.uint8).reshape(n, 3072), labels


def write_fake_cifar10(root: str | os.PathLike, *, n_train: int = 64, n_test: int = 32,
                       seed: int = 0) -> Path:
    """Write a tiny data set in the exact CIFAR-10 format (Python-2 pickles, 5 train batches, 1 test
    batch, ``batches.meta``) under ``root/cifar-10-batches-py``; returns that folder."""
    _validate.integer("n_train", n_train, lo=len(TRAIN_FILES))
    _validate.integer("n_test", n_test, lo=1)
    folder = Path(root) / FOLDER
    folder.mkdir(parents=True, exist_ok=True)
    x, y = fake_images(n_train + n_test, seed)
    splits = np.array_split(np.arange(n_train), len(TRAIN_FILES))
    batches = [(name, f"training batch {i + 1} of 5", idx) for i, (name, idx) in
               enumerate(zip(TRAIN_FILES, splits))]
    batches.append((TEST_FILE, "testing batch 1 of 1", np.arange(n_train, n_train + n_test)))
    for name, label, idx in batches:
        _write_py2_pickle(folder / name, {
            "batch_label": label, "labels": [int(v) for v in y[idx]], "data": x[idx],
            "filenames": [f"fake_{i:05d}.png" for i in idx]})
    _write_py2_pickle(folder / META_FILE, {"num_cases_per_batch": len(splits[0]),
                                           "label_names": list(CLASSES), "num_vis": 3072})
    return folder


# ------------------------------------------------------------------------------- device data loader
def random_crop_flip(x: torch.Tensor, *, pad: int = 4, generator: torch.Generator | None = None,
                     flip: bool = True) -> torch.Tensor:
    """Random crop after zero padding by ``pad`` and random horizontal flip, on ``x``'s device, for a
    whole batch at once (uint8 or float, shape (N, C, H, W)). The random numbers are drawn there too
    (``generator`` must live on ``x``'s device): no copy from the host, no wait for the device."""
    n, c, h, w = x.shape
    off = torch.randint(0, 2 * pad + 1, (2, n), generator=generator, device=x.device)
    padded = torch.nn.functional.pad(x, (pad, pad, pad, pad))
    rows = (off[0, :, None] + torch.arange(h, device=x.device))[:, None, :, None]
    cols = (off[1, :, None] + torch.arange(w, device=x.device))[:, None, None, :]
    out = padded[torch.arange(n, device=x.device)[:, None, None, None],
                 torch.arange(c, device=x.device)[None, :, None, None], rows, cols]
    if flip:
        mirror = (torch.rand(n, generator=generator, device=x.device) < 0.5)[:, None, None, None]
        out = torch.where(mirror, out.flip(3), out)
    return out


class DeviceLoader:
    """The whole split on the device as uint8; each batch is augmented there and converted to float
    in [0, 1]. The order and augmentation of epoch e depend only on (seed, e): a resumed run sees
    the same batches. With ``world_size`` > 1 each rank takes every ``world_size``-th sample of the
    shared permutation (like ``DistributedSampler``)."""

    def __init__(self, x: torch.Tensor, y: torch.Tensor, batch_size: int, *, train: bool,
                 device: torch.device | str = "cpu", seed: int = 0, rank: int = 0, world_size: int = 1,
                 channels_last: bool = False, max_batches: int | None = None) -> None:
        _validate.integer("batch_size", batch_size, lo=1)
        self.x = x.to(device)
        self.y = y.to(device)
        self.batch_size, self.train, self.seed = batch_size, train, seed
        self.rank, self.world_size, self.channels_last = rank, world_size, channels_last
        self.max_batches = max_batches
        self.epoch = 0

    def set_epoch(self, epoch: int) -> None:
        self.epoch = epoch

    def _indices(self, generator: torch.Generator) -> torch.Tensor:
        n = len(self.y)
        order = torch.randperm(n, generator=generator) if self.train else torch.arange(n)
        mine = order[self.rank::self.world_size]
        if self.train:                           # equal batch counts on every rank
            mine = mine[: (n // self.world_size) // self.batch_size * self.batch_size]
        return mine.to(self.y.device)

    def __len__(self) -> int:
        n = len(range(self.rank, len(self.y), self.world_size))
        n = len(self.y) // self.world_size if self.train else n
        count = n // self.batch_size if self.train else -(-n // self.batch_size)
        return count if self.max_batches is None else min(count, self.max_batches)

    def generators(self) -> tuple[torch.Generator, torch.Generator]:
        """The epoch's two generators, from (seed, epoch, rank) only: the order's (on the CPU, shared by
        the ranks) and the augmentation's (on the loader's device, one stream per rank)."""
        order = torch.Generator().manual_seed(effective_seed(self.seed) * 100_003 + self.epoch)
        aug = torch.Generator(device=self.x.device).manual_seed(
            effective_seed(self.seed + self.rank) * 100_003 + self.epoch + 1_000_000_007)
        return order, aug

    def batches(self, order: Iterable[torch.Tensor] | None = None
                ) -> Iterator[tuple[torch.Tensor, torch.Tensor, torch.Tensor]]:
        """The epoch's batches ``(x, y, idx)`` with their dataset indices ``idx`` (on the device). ``order``
        replaces the shared permutation by the caller's index batches (a method's own sampler, e.g.
        CFOL's), cut to ``len(self)`` batches."""
        g, aug = self.generators()
        if order is None:
            idx = self._indices(g)      # the permutation is shared by the ranks (disjoint shards)
            order = (idx[b * self.batch_size:(b + 1) * self.batch_size] for b in range(len(self)))
        for sel in itertools.islice(order, len(self)):
            sel = sel.to(self.x.device, non_blocking=True)
            x = self.x[sel]
            if self.train:
                x = random_crop_flip(x, generator=aug)
            x = x.float().div_(255)
            if self.channels_last:
                x = x.contiguous(memory_format=torch.channels_last)
            yield x, self.y[sel], sel

    def __iter__(self) -> Iterator[tuple[torch.Tensor, torch.Tensor]]:
        for x, y, _ in self.batches():
            yield x, y


def _main(argv: list[str] | None = None) -> None:
    import argparse

    parser = argparse.ArgumentParser(prog="python -m course_lib.data.cifar10",
                                     description="Download CIFAR-10 (md5-checked) or write a fake copy.")
    parser.add_argument("--download", metavar="DIR", help="download and unpack CIFAR-10 into DIR")
    parser.add_argument("--fake", metavar="DIR", help="write a tiny fake CIFAR-10 into DIR")
    args = parser.parse_args(argv)
    if not (args.download or args.fake):
        parser.error("give --download DIR or --fake DIR")
    try:
        folder = download_cifar10(args.download) if args.download else write_fake_cifar10(args.fake)
    except (DatasetNotFoundError, DownloadError) as err:
        parser.exit(1, f"error: {err}\n")
    print(folder)


if __name__ == "__main__":
    _main()
