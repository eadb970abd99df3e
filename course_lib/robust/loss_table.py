"""The other rows of MART's loss table (Wang et al. 2020, Table 1; Wang's guest lecture): ALP, CLP and MMA,
and the study behind MART: a KL regulariser, or a weak attack, applied only to misclassified (S⁻) or only to
correctly classified (S⁺) examples.

Each is an :class:`~course_lib.robust.methods.AdversarialMethod`: ``perturb`` is the inner max (or, for
CLP, the choice of the partner example), ``objective`` the outer loss. Where the slide's table and the
paper differ, the class follows the paper and its docstring says so.
"""

from __future__ import annotations

import torch
import torch.nn.functional as F
from torch import nn

from course_lib import _validate
from course_lib.robust.attacks import fgsm, pgd
from course_lib.robust.methods import PGDAT, AdversarialMethod, _radius


def logit_pairing(logits_a: torch.Tensor, logits_b: torch.Tensor) -> torch.Tensor:
    """(1/n) Σ_i ‖f(a_i) − f(b_i)‖₂² (Kannan et al. 2018): the squared distance of paired logit vectors,
    summed over the classes and averaged over the batch."""
    return (logits_a - logits_b).pow(2).sum(dim=1).mean()


class ALP(PGDAT):
    """ALP (Kannan et al. 2018): CE(f(x′), y) + λ‖f(x) − f(x′)‖₂², x′ = PGD-k on CE with random start.

    Kannan et al. pair the logits f (MART's table writes the probabilities p) and average CE over a batch of
    half clean, half adversarial examples; this class takes CE at x′ only, as the slide's table does.
    λ = 0 is PGD-AT."""

    name = "ALP"

    def __init__(self, eps: float, alpha: float | None = None, steps: int = 10, lam: float = 0.5) -> None:
        super().__init__(eps, alpha, steps)
        self.lam = _validate.nonnegative("lam", lam)

    def objective(self, model, x, x_adv, y):
        logits_adv = model(x_adv)
        ce = F.cross_entropy(logits_adv, y)
        return ce if self.lam == 0 else ce + self.lam * logit_pairing(model(x), logits_adv)


def partner_permutation(n: int, generator: torch.Generator | None = None) -> torch.Tensor:
    """π with π(π(i)) = i: a random permutation cut into consecutive pairs (a, b), which swap; with n odd,
    one example is its own partner."""
    n = _validate.integer("n", n, lo=1)
    order = torch.randperm(n, generator=generator)
    pi = torch.arange(n)
    a, b = order[0:n - 1:2], order[1:n:2]
    pi[a], pi[b] = b, a
    return pi


class CLP(AdversarialMethod):
    """CLP (Kannan et al. 2018, clean logit pairing): CE(f(x), y) + λ‖f(x_i) − f(x_π(i))‖₂², π a random
    pairing of the batch's clean examples (of any classes); no attack, one forward pass.

    ``perturb`` returns the partner batch x_π. MART's table writes this row with x′ (an adversarial example)
    in the pairing term; Kannan et al. pair two clean examples, which this class does. λ = 0 is ERM."""

    name = "CLP"

    def __init__(self, lam: float = 0.5) -> None:
        self.lam = _validate.nonnegative("lam", lam)

    def perturb(self, model, x, y):
        return x if self.lam == 0 else x[partner_permutation(len(x)).to(x.device)]

    def objective(self, model, x, x_adv, y):
        if x_adv is x:
            return F.cross_entropy(model(x), y)
        n = len(x)
        logits = model(torch.cat([x, x_adv]))        # x_adv is a permutation of x: pair the logits
        return F.cross_entropy(logits[:n], y) + self.lam * logit_pairing(logits[:n], logits[n:])


class MMA(AdversarialMethod):
    """MMA, simplified (Ding et al. 2020): CE(f(x̂′), y)·1[h(x) = y] + CE(f(x), y)·1[h(x) ≠ y], where x̂′ is
    the first point of the segment from x to the PGD-k point x + δ (‖δ‖∞ ≤ ε) that the model misclassifies,
    found by ``bisections`` halvings of t in x + tδ (forward passes only); when PGD does not flip the
    label, x̂′ = x + δ.

    What Ding et al. do beyond this: their AN-PGD also searches beyond the PGD point and takes the shortest
    successful perturbation (the input-space margin) up to a cap d_max larger than the evaluation ε, and
    their training loss adds CE on clean examples with weight 1/3. Here the cap is ε, the budget of the
    other methods in the table. ε = 0 is ERM."""

    name = "MMA"

    def __init__(self, eps: float, alpha: float | None = None, steps: int = 10, bisections: int = 5) -> None:
        self.eps, self.alpha, self.steps = _radius(eps, alpha, steps)
        self.bisections = _validate.integer("bisections", bisections, lo=0)

    def perturb(self, model, x, y):
        if self.eps == 0:
            return x
        x_pgd = pgd(model, x, y, self.eps, self.alpha, self.steps, random_start=True).detach()
        return margin_point(model, x, x_pgd, y, self.bisections)

    def objective(self, model, x, x_adv, y):
        logits = model(x)
        if x_adv is x:
            return F.cross_entropy(logits, y)
        correct = (logits.argmax(dim=1) == y).detach()
        ce_adv = F.cross_entropy(model(x_adv), y, reduction="none")
        ce_nat = F.cross_entropy(logits, y, reduction="none")
        return torch.where(correct, ce_adv, ce_nat).mean()


@torch.no_grad()
def margin_point(model: nn.Module, x: torch.Tensor, x_end: torch.Tensor, y: torch.Tensor,
                 bisections: int) -> torch.Tensor:
    """x + t*·(x_end − x), t* the smallest t ∈ [0, 1] with h(x + t(x_end − x)) ≠ y, to within 2^−bisections
    (bisection on t, keeping the misclassified end); t* = 1 where x_end is classified correctly, t* = 0
    where x is already misclassified. 2 + ``bisections`` forward passes."""
    bisections = _validate.integer("bisections", bisections, lo=0)
    delta = x_end - x
    shape = (-1,) + (1,) * (x.dim() - 1)

    def wrong(t: torch.Tensor) -> torch.Tensor:
        return model(x + t.view(shape) * delta).argmax(dim=1) != y

    lo, hi = x.new_zeros(len(x)), x.new_ones(len(x))
    wrong_at_x = wrong(lo)
    flips = wrong(hi) & ~wrong_at_x
    for _ in range(bisections):
        mid = (lo + hi) / 2
        w = wrong(mid)
        hi, lo = torch.where(flips & w, mid, hi), torch.where(flips & ~w, mid, lo)
    t = torch.where(flips | ~wrong_at_x, hi, lo)
    return (x + t.view(shape) * delta).detach()


class SubsetAT(PGDAT):
    """PGD-AT that treats one subset differently (the study motivating MART, Wang et al. 2020):
    CE(f(x′), y) + β·(1/n)Σ_{i∈S} KL(p(x_i) ‖ p(x′_i)), with S = S⁻ = {i : h(x_i) ≠ y_i}
    (``subset="misclassified"``) or S⁺ = {i : h(x_i) = y_i} (``"correct"``), decided per batch by the
    current model; x′ = PGD-k on CE, or, with ``weak_attack=True``, FGSM (one step of ε) on S and PGD-k
    elsewhere. β = 0 without ``weak_attack`` is PGD-AT."""

    name = "PGD-AT on S"
    SUBSETS = ("misclassified", "correct")

    def __init__(self, eps: float, alpha: float | None = None, steps: int = 10, beta: float = 6.0,
                 subset: str = "misclassified", weak_attack: bool = False) -> None:
        super().__init__(eps, alpha, steps)
        self.beta = _validate.nonnegative("beta", beta)
        self.subset = str(_validate.one_of("subset", subset, self.SUBSETS))
        self.weak_attack = bool(weak_attack)
        s = f"S{'⁻' if self.subset == 'misclassified' else '⁺'}"
        parts = [f"KL on {s}"] * (self.beta > 0) + [f"FGSM on {s}"] * self.weak_attack
        self.name = " + ".join(parts) or "PGD-AT"

    def in_subset(self, logits: torch.Tensor, y: torch.Tensor) -> torch.Tensor:
        """1[i ∈ S] from the clean logits (no gradient)."""
        wrong = logits.detach().argmax(dim=1) != y
        return wrong if self.subset == "misclassified" else ~wrong

    def perturb(self, model, x, y):
        x_adv = super().perturb(model, x, y)
        if not self.weak_attack or self.eps == 0:
            return x_adv
        with torch.no_grad():
            in_s = self.in_subset(model(x), y).view(-1, *([1] * (x.dim() - 1)))
        return torch.where(in_s, fgsm(model, x, y, self.eps), x_adv)

    def objective(self, model, x, x_adv, y):
        logits_adv = model(x_adv)
        ce = F.cross_entropy(logits_adv, y)
        if self.beta == 0:
            return ce
        logits = model(x)
        kl = F.kl_div(F.log_softmax(logits_adv, dim=1), F.softmax(logits, dim=1), reduction="none").sum(dim=1)
        return ce + self.beta * (kl * self.in_subset(logits, y).to(kl.dtype)).mean()
