"""Image-only copies of generated invoices, as a scanner or a fax would make them.

Each page is rasterised with PDFium at a chosen resolution and written back as a
greyscale JPEG filling a page of the same size, so the copy has no text layer and
the invoice's ground truth still holds. Optional realism adds what cheap scans
show: a slightly grey background, a tilt under one degree and light grain.
Everything random is drawn from a seed, so one seed always gives the same bytes.
"""

from __future__ import annotations

import datetime as dt
import io
import random
from dataclasses import dataclass

import pypdfium2 as pdfium
from fpdf import FPDF
from PIL import Image, ImageChops, ImageFilter

PT_PER_INCH = 72.0
JPEG_QUALITY = 80
# A fixed creation date keeps the output the same from run to run.
SCAN_DATE = dt.datetime(2024, 1, 1, 9, 0, tzinfo=dt.UTC)


@dataclass(frozen=True)
class ScanLook:
    """How a scanned page differs from a clean render."""

    background: int  # paper grey, 255 = white
    rotation: float  # degrees, counter-clockwise
    grain: int  # noise amplitude, in grey levels
    blur: float  # Gaussian blur radius in pixels


CLEAN = ScanLook(background=255, rotation=0.0, grain=0, blur=0.0)


def realistic_look(rng: random.Random) -> ScanLook:
    """A mild scan: off-white paper, a small tilt, light grain, slightly soft."""
    tilt = rng.uniform(0.15, 0.9) * rng.choice((-1, 1))
    return ScanLook(
        background=rng.randint(232, 246),
        rotation=round(tilt, 2),
        grain=rng.randint(6, 14),
        blur=rng.choice((0.0, 0.4, 0.6)),
    )


def _degrade(image: Image.Image, look: ScanLook, rng: random.Random) -> Image.Image:
    if look.background < 255:
        # Map white to the paper's grey; ink stays as dark as it was.
        scale = look.background / 255
        image = image.point(lambda value: round(value * scale))
    if look.rotation:
        image = image.rotate(
            look.rotation, resample=Image.Resampling.BILINEAR, fillcolor=look.background
        )
    if look.blur:
        image = image.filter(ImageFilter.GaussianBlur(look.blur))
    if look.grain:
        # Seeded noise (Pillow's own noise uses C's rand(), which is not seedable).
        noise = Image.frombytes("L", image.size, rng.randbytes(image.width * image.height))
        noise = noise.point(lambda value: value * look.grain // 255)
        image = ImageChops.add(image, noise, offset=-(look.grain // 2))
    return image


def _jpeg(image: Image.Image) -> bytes:
    buffer = io.BytesIO()
    image.save(buffer, format="JPEG", quality=JPEG_QUALITY, optimize=True)
    return buffer.getvalue()


def rasterize_pdf(pdf: bytes, *, dpi: int = 200, realism: bool = False, seed: int = 0) -> bytes:
    """An image-only copy of `pdf`: every page a greyscale picture at `dpi`, no text.

    With `realism`, each page gets its own mild scan look drawn from `seed`.
    """
    if not 50 <= dpi <= 600:
        raise ValueError(f"dpi must be between 50 and 600, got {dpi}")
    rng = random.Random(f"invoice-gen/scan/{seed}")
    source = pdfium.PdfDocument(pdf)
    out = FPDF(unit="pt")
    out.set_creation_date(SCAN_DATE)
    out.set_creator("invoice_gen scan")
    try:
        for index in range(len(source)):
            page = source[index]
            width, height = page.get_size()
            bitmap = page.render(scale=dpi / PT_PER_INCH, grayscale=True)
            image = bitmap.to_pil().convert("L")
            look = realistic_look(rng) if realism else CLEAN
            image = _degrade(image, look, rng)
            out.add_page(format=(width, height))
            out.image(io.BytesIO(_jpeg(image)), x=0, y=0, w=width, h=height)
    finally:
        source.close()
    return bytes(out.output())
