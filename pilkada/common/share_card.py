"""Share-card images (Open Graph, 1200x630 PNG) drawn with Pillow.

WhatsApp, Facebook and Telegram show a page's `og:image` beside a shared link; a card with the
title, the date and the place says more than the site's logo. Fonts: DejaVu Sans where the system
has it (Debian's fonts-dejavu-core), otherwise the font bundled with Pillow, so a card renders on
any machine; the text wraps by measured width and long titles end in an ellipsis.
"""

from __future__ import annotations

import io
from functools import lru_cache
from pathlib import Path

from PIL import Image, ImageDraw, ImageFont

WIDTH, HEIGHT = 1200, 630
MARGIN = 72
RED, INK, MUTED, WHITE = "#8a1c1c", "#1d1d1f", "#4a4a50", "#ffffff"
FONT_DIRS = (Path("/usr/share/fonts/truetype/dejavu"), Path("/usr/share/fonts/dejavu"))


@lru_cache(maxsize=16)
def _font(size: int, *, bold: bool = False) -> ImageFont.FreeTypeFont:
    name = "DejaVuSans-Bold.ttf" if bold else "DejaVuSans.ttf"
    for folder in FONT_DIRS:
        if (folder / name).exists():
            return ImageFont.truetype(str(folder / name), size)
    return ImageFont.load_default(size)


def _wrap(draw: ImageDraw.ImageDraw, text: str, font, width: int, max_lines: int) -> list[str]:
    """Lines of `text` no wider than `width`; the last one shortened with "…" if needed."""
    words, lines, current = text.split(), [], ""
    for word in words:
        candidate = f"{current} {word}".strip()
        if draw.textlength(candidate, font=font) <= width:
            current = candidate
            continue
        if current:
            lines.append(current)
        current = word
        while draw.textlength(current, font=font) > width:  # one very long word
            cut = len(current) - 1
            while cut > 1 and draw.textlength(current[:cut], font=font) > width:
                cut -= 1
            lines.append(current[:cut])
            current = current[cut:]
    if current:
        lines.append(current)
    if len(lines) > max_lines:
        lines = lines[:max_lines]
        last = lines[-1]
        while last and draw.textlength(last + "…", font=font) > width:
            last = last[:-1]
        lines[-1] = last.rstrip() + "…"
    return lines


def share_card_png(
    *, title: str, lines: list[str], footer: str, badge: str = "", badge_color: str = RED
) -> bytes:
    """A 1200x630 PNG: a red band with `footer` (who publishes), the title large, then `lines`
    (date and time, place), and an optional `badge` (e.g. "DIBATALKAN") above the title."""
    image = Image.new("RGB", (WIDTH, HEIGHT), WHITE)
    draw = ImageDraw.Draw(image)
    band = 96
    draw.rectangle((0, HEIGHT - band, WIDTH, HEIGHT), fill=RED)
    draw.rectangle((0, 0, 18, HEIGHT - band), fill=RED)
    text_width = WIDTH - 2 * MARGIN
    y = MARGIN - 10
    if badge:
        font = _font(34, bold=True)
        pad = 14
        size = draw.textbbox((0, 0), badge, font=font)
        draw.rounded_rectangle(
            (MARGIN, y, MARGIN + size[2] + 2 * pad, y + size[3] + 2 * pad),
            radius=10,
            fill=badge_color,
        )
        draw.text((MARGIN + pad, y + pad), badge, font=font, fill=WHITE)
        y += size[3] + 2 * pad + 24
    title_font = _font(64, bold=True)
    for line in _wrap(draw, title, title_font, text_width, max_lines=3 if not badge else 2):
        draw.text((MARGIN, y), line, font=title_font, fill=INK)
        y += 78
    y += 18
    body_font = _font(38)
    for text in lines:
        for line in _wrap(draw, text, body_font, text_width, max_lines=2):
            if y > HEIGHT - band - 56:
                break
            draw.text((MARGIN, y), line, font=body_font, fill=MUTED)
            y += 50
    footer_font = _font(36, bold=True)
    footer_line = _wrap(draw, footer, footer_font, text_width, max_lines=1)
    if footer_line:
        draw.text((MARGIN, HEIGHT - band + 26), footer_line[0], font=footer_font, fill=WHITE)
    out = io.BytesIO()
    image.save(out, format="PNG", optimize=True)
    return out.getvalue()
