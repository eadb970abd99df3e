"""Fixtures shared by the lab tests."""

import pytest
import torch


@pytest.fixture
def one_thread():
    n = torch.get_num_threads()
    torch.set_num_threads(1)
    yield
    torch.set_num_threads(n)
