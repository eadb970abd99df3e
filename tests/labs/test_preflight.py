"""``python -m course_lib.labs.preflight`` on the CPU: the CUDA checks are reported as SKIP with a reason,
the CPU checks pass, the report ends with the summary line, and a FAIL gives exit status 1."""

from __future__ import annotations

import io
import re

from course_lib.labs import preflight

CUDA_CHECKS = ("bf16_autocast", "compile_vs_eager", "nccl", "peak_memory")
CPU_CHECKS = ("device", "channels_last", "gradient_penalty_double_backward", "device_loader",
              "lab1_fgsm_rs_speed", "lab2_wgan_gp_speed")


def test_preflight_on_the_cpu_skips_the_cuda_checks_with_a_reason_and_passes_the_others():
    out = io.StringIO()
    rc = preflight.main(["--device", "cpu", "--steps", "1", "--warmup", "0"], out=out)
    text = out.getvalue()
    lines = text.splitlines()
    matches = (re.match(r"(PASS|FAIL|SKIP) (\w+): (.+)", ln) for ln in lines)
    checks = {m[2]: (m[1], m[3]) for m in matches if m}
    assert set(checks) == set(CUDA_CHECKS) | set(CPU_CHECKS), text
    for name in CUDA_CHECKS:
        status, detail = checks[name]
        assert status == "SKIP" and "needs a CUDA GPU" in detail and "--device cpu" in detail, (name, detail)
    for name in CPU_CHECKS:
        assert checks[name][0] == "PASS", (name, checks[name][1])
    for name in ("lab1_fgsm_rs_speed", "lab2_wgan_gp_speed"):      # estimate beside the README's
        assert "ms/step" in checks[name][1] and "full recipe" in checks[name][1]
        assert "README" in checks[name][1]
    assert "environment:" in lines and any(ln.startswith("  torch: ") for ln in lines)
    assert lines[-1] == "preflight: 6 passed, 0 failed, 4 skipped"
    assert rc == 0


def test_a_failing_check_is_one_line_and_makes_the_exit_status_1():
    out = io.StringIO()
    pf = preflight.Preflight("cpu", out=out)

    def broken() -> str:
        raise RuntimeError("cuDNN error: CUDNN_STATUS_NOT_INITIALIZED\nmore lines")

    pf.run("good", lambda: "fine")
    pf.run("bad", broken)
    assert out.getvalue().splitlines() == [
        "PASS good: fine", "FAIL bad: RuntimeError: cuDNN error: CUDNN_STATUS_NOT_INITIALIZED"]
    assert preflight.summary(pf.results) == "preflight: 1 passed, 1 failed, 0 skipped"
