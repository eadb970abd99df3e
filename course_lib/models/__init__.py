"""course_lib.models: the networks of the course.

- ``small``: :class:`MLP` and :class:`CNN` for the digits lectures
- ``residual``: :class:`ResNet`, a small residual network for digits (lecture 09, the skip gradient method)
- ``preact_resnet``, ``wide_resnet``: PreAct ResNet-18 and WRN-34-10 for lab 1
- ``dcgan``, ``sngan``: the DCGAN pair and the SN-GAN ResNets for lab 2 (:func:`build_gan` picks one)
- ``ema``: :class:`EMA`, the moving average of lab 2's generator weights
- ``classifier``: :class:`SmallClassifier`, the feature network of lab 2's Fréchet distance
- ``counting``: :class:`ForwardCounter`, the forward passes and examples that went through a network
"""

from course_lib.models import dcgan, sngan
from course_lib.models.classifier import SmallClassifier
from course_lib.models.counting import ForwardCounter
from course_lib.models.dcgan import ARCHS, DCGANCritic, DCGANGenerator, build_gan
from course_lib.models.ema import EMA
from course_lib.models.preact_resnet import Normalize, PreActResNet, preact_resnet18
from course_lib.models.residual import ResidualBlock, ResNet
from course_lib.models.small import CNN, MLP
from course_lib.models.sngan import ResNetCritic, ResNetGenerator
from course_lib.models.wide_resnet import wide_resnet34_10

__all__ = [
    "ARCHS", "CNN", "EMA", "MLP", "DCGANCritic", "DCGANGenerator", "ForwardCounter", "Normalize",
    "PreActResNet", "ResNetCritic", "ResNetGenerator", "SmallClassifier", "build_gan", "dcgan",
    "preact_resnet18", "sngan", "wide_resnet34_10", "ResidualBlock", "ResNet",
]
