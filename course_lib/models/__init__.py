"""course_lib.models: the networks of the course.

- ``small``: :class:`MLP` and :class:`CNN` for the digits lectures
- ``preact_resnet``, ``wide_resnet``: PreAct ResNet-18 and WRN-34-10 for lab 1
- ``dcgan``: DCGAN / ResNet generators and critics and their EMA for lab 2
"""

from course_lib.models import dcgan
from course_lib.models.dcgan import ARCHS, EMA, DCGANCritic, DCGANGenerator, build_gan
from course_lib.models.preact_resnet import Normalize, PreActResNet, preact_resnet18
from course_lib.models.small import CNN, MLP
from course_lib.models.wide_resnet import wide_resnet34_10

__all__ = [
    "ARCHS", "CNN", "EMA", "MLP", "DCGANCritic", "DCGANGenerator", "Normalize", "PreActResNet", "build_gan",
    "dcgan", "preact_resnet18", "wide_resnet34_10",
]
