"""Draw a laid-out document onto page images and wrap them in an image-only PDF.

This imitates a scanned paper document: no text layer at all, a grey paper tone and a slight
skew, so that text extraction finds nothing and the document needs OCR.
"""

from __future__ import annotations

import logging
from datetime import UTC, datetime
from functools import lru_cache

from fpdf import FPDF
from PIL import Image, ImageDraw, ImageFont

from sampleweb.model import Doc
from sampleweb.pdflayout import PAGE_H, PAGE_W, PT, Layout

logger = logging.getLogger(__name__)

DPI = 110
_PX = DPI / 25.4  # pixels per millimetre


@lru_cache(maxsize=16)
def _font(size_px: int) -> ImageFont.FreeTypeFont | ImageFont.ImageFont:
    return ImageFont.load_default(size=size_px)


def page_images(lay: Layout) -> list[Image.Image]:
    """One greyscale image per laid-out page."""
    images = []
    for number, ops in enumerate(lay.pages, 1):
        img = Image.new("L", (int(PAGE_W * _PX), int(PAGE_H * _PX)), 246)
        draw = ImageDraw.Draw(img)
        for op in ops:
            if op.kind == "t":
                font = _font(max(8, round(op.size * PT * _PX * 0.9)))
                grey = 25 if op.colour == (0, 0, 0) else 60
                draw.text((op.x * _PX, op.y * _PX), op.text, fill=grey, font=font, anchor="ls")
            elif op.kind == "r":
                draw.rectangle([op.x * _PX, op.y * _PX, (op.x + op.w) * _PX,
                                (op.y + op.h) * _PX], fill=200)
            else:
                draw.line([op.x * _PX, op.y * _PX, op.w * _PX, op.h * _PX], fill=120)
        footer = _font(round(9 * PT * _PX))
        draw.text((PAGE_W / 2 * _PX, (PAGE_H - 12) * _PX), str(number), fill=40, font=footer,
                  anchor="ms")
        skew = 0.35 if number % 2 else -0.25
        images.append(img.rotate(skew, resample=Image.Resampling.BILINEAR, fillcolor=246))
    return images


def render_scanned(lay: Layout, doc: Doc) -> bytes:
    """An image-only PDF of the layout, with scanner-style metadata."""
    pdf = FPDF(format="A4")
    pdf.set_auto_page_break(False)
    pdf.set_creation_date(datetime(doc.year, doc.month, doc.day, 9, 12, tzinfo=UTC))
    pdf.set_producer("Canon iR-ADV C5535 PDF")
    pdf.set_creator("Canon iR-ADV C5535")
    for img in page_images(lay):
        pdf.add_page()
        pdf.image(img, x=0, y=0, w=PAGE_W, h=PAGE_H)
    logger.debug("scanned %s: %d pages", doc.id, len(lay.pages))
    return bytes(pdf.output())
