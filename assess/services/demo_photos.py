"""Pictures for the demo's case studies, drawn here with Pillow (nothing is downloaded): a
landscape with the company's building, and a simple logo. They go through the same checks and
normalisation as any uploaded photo."""

from __future__ import annotations

import io
import random

from PIL import Image, ImageDraw

# What each of a demo company's photos shows: (ja, en) captions.
SCENES = (
    ("地域の清掃活動に参加する社員", "Staff at the neighbourhood clean-up"),
    ("工場の様子", "At the workshop"),
    ("地元の小学生の社会科見学", "A visit from local pupils"),
)
PALETTE = ("#0a6e5a", "#c5192d", "#fd6925", "#26bde2", "#4c9f38", "#dd1367", "#19486a")


def scene(seed: int, width: int = 1600, height: int = 1100) -> bytes:
    """A JPEG: sky, hills, a building with windows, trees; different for every seed."""
    rng = random.Random(seed)
    image = Image.new("RGB", (width, height))
    draw = ImageDraw.Draw(image)
    top, bottom = (rng.randint(90, 140), rng.randint(150, 190), 235), (225, 240, 250)
    for y in range(height):
        t = y / height
        draw.line(
            [(0, y), (width, y)], fill=tuple(round(a + (b - a) * t) for a, b in zip(top, bottom, strict=True))
        )
    for i in range(3):  # hills, far to near
        base = int(height * (0.55 + 0.1 * i))
        shade = (60 + 30 * i, 130 + 25 * i - rng.randint(0, 30), 70 + 10 * i)
        points = [(0, height)] + [(x, base - rng.randint(0, 90)) for x in range(0, width + 200, 200)]
        draw.polygon(points + [(width, height)], fill=shade)
    left = rng.randint(width // 6, width // 2)
    wall = rng.choice(PALETTE)
    ground = int(height * 0.82)
    draw.rectangle([left, ground - 360, left + 620, ground], fill=wall)
    draw.polygon(
        [(left - 40, ground - 360), (left + 310, ground - 520), (left + 660, ground - 360)], fill="#5b4a3f"
    )
    for row in range(2):
        for col in range(4):
            x, y = left + 50 + col * 145, ground - 320 + row * 150
            draw.rectangle([x, y, x + 90, y + 90], fill="#fdf6d8")
    for _ in range(5):
        x = rng.randint(0, width)
        draw.rectangle([x - 12, ground - 120, x + 12, ground], fill="#6b4f2e")
        draw.ellipse([x - 90, ground - 300, x + 90, ground - 100], fill="#2e7d32")
    out = io.BytesIO()
    image.save(out, format="JPEG", quality=85)
    return out.getvalue()


def logo(seed: int, size: int = 600) -> bytes:
    """A PNG with a transparent background: a ring and a leaf in the company's colour."""
    rng = random.Random(seed)
    colour = rng.choice(PALETTE)
    image = Image.new("RGBA", (size * 2, size), (0, 0, 0, 0))
    draw = ImageDraw.Draw(image)
    draw.ellipse([20, 20, size - 20, size - 20], outline=colour, width=48)
    draw.ellipse([size // 3, size // 4, size * 2 // 3, size * 3 // 4], fill=colour)
    for i in range(3):
        x = size + 40 + i * 180
        draw.rounded_rectangle([x, size // 3, x + 140, size * 2 // 3], radius=30, fill=colour)
    out = io.BytesIO()
    image.save(out, format="PNG")
    return out.getvalue()
