"""CIFAR-10 on-disk format, fake data sets, the md5-checked download (against a local HTTP server) and the
device-side augmentation."""

from __future__ import annotations

import functools
import hashlib
import http.server
import pickle
import socket
import tarfile
import threading
from pathlib import Path

import numpy as np
import pytest
import torch

from course_lib.data import cifar10


@pytest.fixture(scope="module")
def fake(tmp_path_factory) -> Path:
    root = tmp_path_factory.mktemp("cifar")
    cifar10.write_fake_cifar10(root, n_train=50, n_test=20, seed=1)
    return root


def test_fake_batches_have_python2_byte_keys_like_the_real_files(fake):
    folder = fake / cifar10.FOLDER
    names = sorted(p.name for p in folder.iterdir())
    assert names == sorted([*cifar10.TRAIN_FILES, "test_batch", "batches.meta"])
    with open(folder / "data_batch_1", "rb") as f:
        raw = pickle.load(f, encoding="bytes")          # Krizhevsky's snippet
    assert set(raw) == {b"batch_label", b"labels", b"data", b"filenames"}
    assert raw[b"batch_label"] == b"training batch 1 of 5"
    assert raw[b"data"].dtype == np.uint8 and raw[b"data"].shape == (10, 3072)
    with open(folder / "data_batch_1", "rb") as f:
        assert set(pickle.load(f, encoding="latin1")) == {"batch_label", "labels", "data", "filenames"}
    meta = cifar10.read_batch(folder / "batches.meta")
    assert meta["label_names"] == list(cifar10.CLASSES) and meta["num_vis"] == 3072


def test_loader_returns_uint8_images_and_the_labels_in_file_order(fake):
    x, y = cifar10.load_cifar10(fake, train=True)
    assert x.shape == (50, 3, 32, 32) and x.dtype == torch.uint8 and y.dtype == torch.int64
    flat, labels = cifar10.fake_images(70, seed=1)
    assert torch.equal(x, torch.from_numpy(flat[:50]).view(50, 3, 32, 32))
    assert y.tolist() == labels[:50].tolist()
    x_te, y_te = cifar10.load_cifar10(fake / cifar10.FOLDER, train=False)   # the folder itself works too
    assert x_te.shape == (20, 3, 32, 32) and y_te.tolist() == labels[50:].tolist()


def test_loader_refuses_pickles_that_would_run_code(tmp_path):
    folder = cifar10.write_fake_cifar10(tmp_path, n_train=5, n_test=1)
    (folder / "test_batch").write_bytes(pickle.dumps({"data": print}))
    with pytest.raises(cifar10.DataFileError, match="test_batch is truncated or altered.*builtins.print"):
        cifar10.load_cifar10(tmp_path, train=False)


def test_missing_data_gives_instructions(tmp_path):
    with pytest.raises(cifar10.DatasetNotFoundError, match="--download"):
        cifar10.load_cifar10(tmp_path)


def test_random_crop_flip_keeps_the_pixels_of_a_shifted_window():
    x = torch.arange(2 * 3 * 32 * 32, dtype=torch.int64).view(2, 3, 32, 32).to(torch.uint8)
    g = torch.Generator().manual_seed(0)
    out = cifar10.random_crop_flip(x, pad=4, generator=g, flip=False)
    g = torch.Generator().manual_seed(0)
    oy, ox = torch.randint(0, 9, (2, 2), generator=g)
    padded = torch.nn.functional.pad(x, (4, 4, 4, 4))
    for i in range(2):
        assert torch.equal(out[i], padded[i, :, oy[i]:oy[i] + 32, ox[i]:ox[i] + 32])
    flipped = cifar10.random_crop_flip(x.float(), pad=0, generator=torch.Generator().manual_seed(1))
    assert all(torch.equal(f, x[i].float()) or torch.equal(f, x[i].float().flip(2))
               for i, f in enumerate(flipped))


def test_device_loader_is_a_function_of_seed_and_epoch_and_shards_disjointly(fake):
    x, y = cifar10.load_cifar10(fake)
    def batches(epoch, rank=0, world=1):
        loader = cifar10.DeviceLoader(x, y, 8, train=True, seed=3, rank=rank, world_size=world)
        loader.set_epoch(epoch)
        return list(loader)
    a, b, c = batches(1), batches(1), batches(2)
    assert len(a) == 6 and all(xb.dtype == torch.float32 and 0 <= xb.min() and xb.max() <= 1 for xb, _ in a)
    assert all(torch.equal(p[0], q[0]) for p, q in zip(a, b))
    assert not torch.equal(a[0][1], c[0][1])
    r0, r1 = torch.cat([yb for _, yb in batches(1, 0, 2)]), torch.cat([yb for _, yb in batches(1, 1, 2)])
    assert len(r0) == len(r1) == 24
    test = cifar10.DeviceLoader(x, y, 16, train=False)
    assert torch.equal(torch.cat([yb for _, yb in test]), y)


# -------------------------------------------------------------------------------- download path
def _archive(tmp: Path) -> tuple[bytes, str]:
    src = tmp / "src"
    cifar10.write_fake_cifar10(src, n_train=10, n_test=5)
    path = tmp / "cifar-10-python.tar.gz"
    with tarfile.open(path, "w:gz") as tar:
        tar.add(src / cifar10.FOLDER, arcname=cifar10.FOLDER)
    data = path.read_bytes()
    return data, hashlib.md5(data).hexdigest()


@pytest.fixture
def server(tmp_path):
    data, md5 = _archive(tmp_path)
    site = tmp_path / "site"
    site.mkdir()
    (site / "cifar-10-python.tar.gz").write_bytes(data)
    (site / "truncated.tar.gz").write_bytes(data[: len(data) // 2])
    handler = functools.partial(http.server.SimpleHTTPRequestHandler, directory=str(site))
    handler.log_message = lambda *a, **k: None
    httpd = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    thread = threading.Thread(target=httpd.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{httpd.server_address[1]}", md5
    httpd.shutdown()
    httpd.server_close()


def test_download_with_good_md5_extracts_the_data_set(server, tmp_path):
    base, md5 = server
    root = tmp_path / "data"
    folder = cifar10.download_cifar10(root, url=f"{base}/cifar-10-python.tar.gz", md5=md5, progress=False)
    assert folder == root / cifar10.FOLDER
    assert cifar10.load_cifar10(root)[0].shape == (10, 3, 32, 32)
    assert sorted(p.name for p in root.iterdir()) == [cifar10.FOLDER]    # no temporary files left


@pytest.mark.parametrize("name,md5", [("cifar-10-python.tar.gz", "0" * 32), ("truncated.tar.gz", None)])
def test_corrupt_download_is_a_clear_error_and_leaves_nothing_half_extracted(server, tmp_path, name, md5):
    base, good = server
    root = tmp_path / "data"
    with pytest.raises(cifar10.DownloadError, match="md5 mismatch"):
        cifar10.download_cifar10(root, url=f"{base}/{name}", md5=md5 or good, progress=False)
    assert list(root.iterdir()) == []
    with pytest.raises(cifar10.DatasetNotFoundError):
        cifar10.find_cifar10(root)


def test_offline_download_says_what_to_do(tmp_path):
    with socket.socket() as s:                       # a port on which nobody listens
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    with pytest.raises(cifar10.DatasetNotFoundError, match="could not download.*--profile smoke"):
        cifar10.download_cifar10(tmp_path, url=f"http://127.0.0.1:{port}/x.tar.gz", progress=False, timeout=5)
