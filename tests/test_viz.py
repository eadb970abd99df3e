import numpy as np
import plotly.graph_objects as go
import pytest

from course_lib.toys import quadratic as q
from course_lib.viz import color, use_style
from course_lib.viz import widgets as w
from course_lib.viz.animate import animate, contour, vector_field
from course_lib.viz.demos import gd_step_size_demo
from course_lib.viz.export import ExportRenderer


def rotation(T=30, N=4):
    t = np.arange(T + 1)[:, None]
    r = np.linspace(0.5, 2.0, N)[None, :]
    return np.stack([r * np.cos(0.1 * t), r * np.sin(0.1 * t)], axis=-1)  # (T+1, N, 2)


def test_animate_builds_frames_play_button_and_slider():
    traj = rotation()
    fig = animate({"GDA": traj, "EG": 0.5 * traj}, n_frames=10, title="t")
    assert isinstance(fig, go.Figure)
    assert len(fig.frames) == 10
    assert [b.label for b in fig.layout.updatemenus[0].buttons] == ["▶ play", "❚❚ pause"]
    assert len(fig.layout.sliders[0].steps) == 10
    last = fig.frames[-1]
    heads = np.column_stack([last.data[1].x, last.data[1].y])
    np.testing.assert_allclose(heads, traj[-1], rtol=1e-12)  # the GDA heads sit at the last iterate
    assert fig.data[0].line.color == color("gda") and fig.data[2].line.color == color("eg")


def test_animate_trail_holds_every_start_separated_by_gaps():
    traj = rotation(T=20, N=3)
    fig = animate(traj, n_frames=21)
    trail = np.asarray(fig.frames[-1].data[0].x, dtype=float)
    assert np.isnan(trail).sum() == 3                      # one gap after each of the 3 paths
    assert np.isfinite(trail).sum() == 21 * 3


def test_animate_background_markers_and_status():
    traj = rotation()
    bg = [contour(lambda X, Y: X * Y, (-2, 2), (-2, 2), n=11),
          vector_field(lambda Z: np.stack([Z[:, 1], -Z[:, 0]], 1), (-2, 2), (-2, 2), n=5)]
    fig = animate(traj, background=bg, markers=[{"x": [0], "y": [0], "name": "z*"}],
                  status=np.array(["ok", "ok", "ok", "diverged"]))
    assert fig.data[0].mode == "lines" and np.isnan(np.asarray(fig.data[0].x, dtype=float)).any()
    assert fig.data[1].type == "scatter"
    assert fig.data[2].name == "z*"
    assert list(fig.data[4].marker.symbol) == ["circle", "circle", "circle", "x"]
    assert fig.frames[0].traces == (3, 4)


@pytest.mark.parametrize(("kwargs", "message"), [
    ({"traj": np.zeros((5, 3, 3))}, r"shape \(T\+1, N, 2\)"),
    ({"traj": np.full((5, 3, 2), np.nan)}, "finite"),
    ({"traj": {"a": np.zeros((5, 2, 2)), "b": np.zeros((6, 2, 2))}}, "same length"),
    ({"traj": np.zeros((5, 2, 2)), "n_frames": 0}, "n_frames"),
    ({"traj": np.zeros((5, 2, 2)), "xlim": (1, 0)}, "xlim"),
])
def test_animate_rejects_bad_input(kwargs, message):
    with pytest.raises((ValueError, TypeError), match=message):
        animate(**kwargs)


def test_contour_lines_lie_on_their_level_sets():
    trace = contour(lambda X, Y: X**2 + Y**2, (-2, 2), (-2, 2), n=201, ncontours=3)
    pts = np.column_stack([trace.x, trace.y]).astype(float)
    radii = np.unique(np.round(np.linalg.norm(pts[np.isfinite(pts[:, 0])], axis=1), 2))
    np.testing.assert_allclose(radii, np.sqrt([2.0, 4.0, 6.0]), atol=0.02)  # levels 2, 4, 6 of 0..8


def test_vector_field_normalises_arrows_and_checks_shapes():
    with pytest.raises(ValueError, match="'V' must map"):
        vector_field(lambda Z: Z[:, :1], (-1, 1), (-1, 1))
    with pytest.raises(ValueError, match="'f' must map"):
        contour(lambda X, Y: 1.0 + 0 * X[0], (-1, 1), (-1, 1))


def test_sliders_validate_and_clamp():
    s = w.float_slider("η", 0.1, 0.0, 0.5, 0.05)
    s.value = 5.0
    assert s.value == 0.5                                  # a widget cannot leave its range
    with pytest.raises(ValueError, match="'value'"):
        w.float_slider("η", 0.9, 0.0, 0.5, 0.05)
    with pytest.raises(ValueError, match="'min' must be < 'max'"):
        w.int_slider("steps", 1, 5, 5)
    with pytest.raises(ValueError, match="'value' must be one of"):
        w.dropdown("algorithm", ["GDA", "EG"], "PGD")


def test_gd_demo_slider_updates_figure_and_readout():
    demo = gd_step_size_demo(eta=0.3, steps=20)
    before = np.array(demo.fig.data[3].y, dtype=float)
    assert "converges" in demo.info.value
    demo.eta.value = 0.7                                   # past 2/L = 2/3: the iterates blow up
    after = np.array(demo.fig.data[3].y, dtype=float)
    assert "diverges" in demo.info.value
    assert after[-1] > after[0] > 0 and before[-1] < before[0]
    np.testing.assert_allclose(after[-1] / after[-2], q.contraction_factor(np.diag([3.0, 1.0]), 0.7),
                               rtol=1e-9)


def test_style_and_colors():
    use_style(presentation=True)
    import matplotlib as mpl

    assert mpl.rcParams["font.size"] == 20
    use_style(presentation=False)
    assert mpl.rcParams["font.size"] == 13
    with pytest.raises(ValueError, match="'role'"):
        color("nope")


def test_export_renderer_writes_offline_html(tmp_path):
    import plotly.io as pio

    renderer = ExportRenderer(tmp_path / "figures", prefix="nb_")
    pio.renderers["test_export"] = renderer
    for _ in range(2):                                    # as a notebook does: fig.show() per figure
        pio.show(animate(rotation(), n_frames=3), renderer="test_export")
    pages = sorted((tmp_path / "figures").glob("nb_figure_*.html"))
    assert len(pages) == 2, "every figure gets its own file"
    bundle = renderer.to_mimebundle(animate(rotation(), n_frames=3).to_dict())
    assert 'src="figures/nb_figure_' in bundle["text/html"]
    assert (tmp_path / "figures" / "plotly.min.js").stat().st_size > 1_000_000
    page = pages[0].read_text()
    assert "plotly.min.js" in page and "cdn" not in page.lower().split("plotly.min.js")[0][-40:]
