"""kuban.app.brief_images: the charts of a «Справка» as PNG pictures, offline, in the system's Chromium."""
from __future__ import annotations

import socket
import struct
import threading

import plotly.graph_objects as go
import pytest

from kuban.app import brief_images, charts

needs_chromium = pytest.mark.skipif(not brief_images.available(), reason="no Chromium: make chromium")


def size_and_dpi(data: bytes) -> tuple[int, int, float]:
    assert data[:8] == b"\x89PNG\r\n\x1a\n"
    width, height = struct.unpack(">II", data[16:24])
    i = data.find(b"pHYs")
    ppm, _, unit = struct.unpack(">IIB", data[i + 4:i + 13])
    assert i > 0 and unit == 1
    return width, height, ppm * 0.0254


def bar(title: str, height: int | None = None) -> go.Figure:
    fig = go.Figure(go.Bar(x=["Кореновский район", "Краснодар"], y=[1, 2]))
    fig.update_layout(title=title, height=height)
    return fig


def test_with_dpi_sets_the_resolution_once():
    png = bytes.fromhex("89504e470d0a1a0a0000000d4948445200000001000000010806000000"
                        "1f15c4890000000d4944415478da63f8ffff3f0005fe02fea7d6a4a70000000049454e44ae426082")
    out = brief_images.with_dpi(brief_images.with_dpi(png, 150), 300)
    assert out.count(b"pHYs") == 1
    assert round(size_and_dpi(out)[2]) == 300
    assert brief_images.with_dpi(b"not a png", 300) == b"not a png"


def test_no_chromium_is_a_clear_error(monkeypatch, tmp_path):
    monkeypatch.setenv("KUBAN_CHROMIUM", str(tmp_path / "no-such-browser"))
    brief_images.close()
    assert brief_images.chromium_path() is None and not brief_images.available()
    with pytest.raises(brief_images.ChartsUnavailable, match="no Chromium"):
        brief_images.png([bar("x")])
    assert brief_images.png([]) == []


@needs_chromium
def test_figures_in_order_at_print_resolution_and_their_own_height():
    figs = [bar("Отгрузка по месяцам", 380), bar("Займы", 600), charts.empty("Нет данных", title="Пусто")]
    pictures = brief_images.png(figs)
    assert len(pictures) == 3
    sizes = [size_and_dpi(p) for p in pictures]
    assert [s[0] for s in sizes] == [1800] * 3                     # 720 CSS px × 2.5
    assert [s[1] for s in sizes] == [950, 1500, 600]               # each figure's own height × 2.5
    assert all(abs(s[2] - 1800 / (16 / 2.54)) < 1 for s in sizes)  # 16 cm wide: ≈ 286 dpi
    assert brief_images.png([bar("x")], width_px=400, height_px=300, scale=1)[0][16:24] == struct.pack(">II", 400, 300)


@needs_chromium
def test_one_browser_serves_many_threads():
    """Streamlit builds downloads on many threads: each gets its own pictures, one render at a time."""
    brief_images.png([bar("start")])
    results, errors = {}, []

    def work(i):
        try:
            results[i] = brief_images.png([bar(f"График {i}", 300 + 20 * i)])
        except Exception as exc:   # noqa: BLE001
            errors.append(exc)

    threads = [threading.Thread(target=work, args=(i,)) for i in range(4)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(120)
    assert errors == []
    assert {i: size_and_dpi(r[0])[1] for i, r in results.items()} == {i: int((300 + 20 * i) * 2.5) for i in range(4)}


@needs_chromium
def test_a_figure_asking_for_the_network_gets_nothing(monkeypatch):
    """An image URL in a figure (none of ours has one) goes to the closed proxy: here a listener that records the
    request and closes the connection unanswered; the picture is still made."""
    listener = socket.socket()
    listener.bind(("127.0.0.1", 0))
    listener.listen(16)
    seen: list[bytes] = []

    def serve():
        while True:
            try:
                conn, _ = listener.accept()
            except OSError:
                return
            with conn:
                conn.settimeout(5)
                try:
                    seen.append(conn.recv(4096).split(b"\r\n")[0])
                except OSError:
                    pass

    threading.Thread(target=serve, daemon=True).start()
    monkeypatch.setattr(brief_images, "CLOSED_PROXY", f"http://127.0.0.1:{listener.getsockname()[1]}")
    brief_images.close()
    fig = bar("Картинка из сети")
    fig.add_layout_image(source="http://example.com/logo.png", xref="paper", yref="paper", x=0, y=1, sizex=0.2,
                         sizey=0.2)
    try:
        assert len(brief_images.png([fig])) == 1
    finally:
        brief_images.close()
        listener.close()
    assert any(b"example.com/logo.png" in r for r in seen), seen
