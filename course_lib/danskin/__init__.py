"""course_lib.danskin: Danskin's theorem, its counterexamples and Danskin's Descent Direction (lecture 02).

- ``examples``: counterexample 1 (|x|), counterexample 2 (obtuse u, v), the synthetic example
  (slide and code variants)
- ``directional``: Danskin's directional derivative and the one-sided finite-difference check
- ``hull``: simplex projection (Duchi et al. 2008), min-norm point of a convex hull, the DDD direction
- ``trajectories``: PGD-AT vs DDD on the 2-D examples
- ``ddd``: DDD for torch models (``ddd_direction``) and the training method ``DDi``
- ``landscape``: the non-smooth adversarial loss L_ε(θ) = log(1 + e^{ε|θ|}) and its linear-model version
- ``widgets``: the lecture's angle and ε sliders
"""
