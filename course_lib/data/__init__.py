"""course_lib.data: the data sets of the course.

- ``digits``: scikit-learn's 8×8 digits as torch tensors (lectures 01-05)
- ``synthetic``: 2-D toy data and injected shortcut features (lectures 03, 05)
- ``cifar10``: CIFAR-10 from ``cifar-10-batches-py`` (download, md5 check, tiny fakes in the same format,
  a device loader with crop / flip augmentation) for the labs
"""

from course_lib.data import cifar10
from course_lib.data.cifar10 import (
    CLASSES,
    MEAN,
    STD,
    DataFileError,
    DatasetNotFoundError,
    DeviceLoader,
    DownloadError,
    download_cifar10,
    fake_images,
    find_cifar10,
    load_cifar10,
    random_crop_flip,
    write_fake_cifar10,
)
from course_lib.data.digits import load_digits
from course_lib.data.synthetic import KINDS, inject_features, make_2d

__all__ = [
    "CLASSES", "KINDS", "MEAN", "STD", "DataFileError", "DatasetNotFoundError", "DeviceLoader",
    "DownloadError", "cifar10", "download_cifar10", "fake_images", "find_cifar10", "inject_features",
    "load_cifar10", "load_digits", "make_2d", "random_crop_flip", "write_fake_cifar10",
]
