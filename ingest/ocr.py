"""Optional OCR of image-only PDF pages with the Tesseract command-line program.

Nothing here is needed to run SCR Atlas: when the ``tesseract`` executable is not on ``PATH``,
:func:`tesseract_version` is None and image-only PDFs keep the status ``needs_ocr``. When it is
(Debian: ``apt-get install tesseract-ocr tesseract-ocr-eng``), :func:`ocr_pages` renders the
pages asked for with PDFium (grey, at ``dpi``, capped at :data:`MAX_PIXELS`) and runs one
``tesseract`` process per page, the image on its standard input and the text on its standard
output, each with a time limit and a deadline for the whole document, so that a long scanned
file cannot stall a run: pages past the deadline are left unread and the result says so.

Tesseract runs single-threaded (``OMP_THREAD_LIMIT=1``): extraction already runs one worker
process per core. Only pages that draw an image are rendered (a page without one has nothing to
read). On Linux a tesseract process dies with the worker that started it.
"""

from __future__ import annotations

import ctypes
import functools
import io
import logging
import os
import shutil
import signal
import subprocess
import sys
import time
from collections.abc import Sequence
from dataclasses import dataclass, field

import numpy as np
import pypdfium2 as pdfium
import pypdfium2.raw as pdfium_c
from PIL import Image, ImageFilter

from ingest.textclean import one_line

logger = logging.getLogger(__name__)

__all__ = ["OcrResult", "ocr_pages", "tesseract_version"]

PAGE_TIMEOUT_S = 60.0  # the longest one page may take
MAX_PIXELS = 30_000_000  # a larger page (a poster) is rendered at a lower resolution
PR_SET_PDEATHSIG = 1  # linux/prctl.h


@functools.cache
def tesseract_version(executable: str = "tesseract") -> str | None:
    """"tesseract 5.3.0" when the program runs, else None (cached per process)."""
    path = shutil.which(executable)
    if path is None:
        return None
    try:
        done = subprocess.run([path, "--version"], capture_output=True, text=True, timeout=20,
                              check=False)
    except (OSError, subprocess.SubprocessError) as exc:
        logger.warning("tesseract found at %s but does not run: %s", path, exc)
        return None
    lines = (done.stdout or done.stderr).strip().splitlines()
    if done.returncode != 0 or not lines:
        logger.warning("tesseract --version failed (exit code %s)", done.returncode)
        return None
    return lines[0].strip()


@dataclass
class OcrResult:
    """What OCR read: ``texts`` maps a page index (0-based) to its text.

    ``tried`` counts the pages rendered and given to tesseract; ``skipped`` the pages without
    an image; ``stopped`` says why pages were left unread ("" when none were); ``errors`` are
    one-line causes of pages that failed.
    """

    engine: str
    texts: dict[int, str] = field(default_factory=dict)
    tried: int = 0
    skipped: int = 0
    stopped: str = ""
    errors: list[str] = field(default_factory=list)


def _die_with_parent() -> None:  # runs in the child between fork and exec
    libc = ctypes.CDLL(None)
    libc.prctl(PR_SET_PDEATHSIG, signal.SIGKILL)


def _has_image(page: pdfium.PdfPage) -> bool:
    return any(True for _ in page.get_objects(filter=[pdfium_c.FPDF_PAGEOBJ_IMAGE], max_depth=4))


def flatten_background(image: Image.Image) -> Image.Image:
    """A grey page with its background evened out to white: each pixel divided by the local
    paper tone (the lightest nearby pixels, estimated at an eighth of the resolution).

    Tesseract binarises a page with one global threshold, which blacks out text printed on a
    tinted band (a cover's title on grey) together with the band; after flattening, the band
    is paper and its text stays dark.
    """
    small = image.reduce(8) if min(image.size) >= 80 else image
    paper = (small.filter(ImageFilter.MaxFilter(5)).filter(ImageFilter.GaussianBlur(2))
             .resize(image.size, Image.Resampling.BILINEAR))
    pixels = np.asarray(image, dtype=np.float32)
    tone = np.maximum(np.asarray(paper, dtype=np.float32), 1.0)
    return Image.fromarray(np.clip(pixels * 255.0 / tone, 0, 255).astype(np.uint8))


def _image(page: pdfium.PdfPage, dpi: int) -> bytes:
    """The page rendered grey with its background flattened, as a PGM file."""
    width, height = page.get_size()
    scale = dpi / 72
    if width * height * scale * scale > MAX_PIXELS:
        scale = (MAX_PIXELS / max(width * height, 1.0)) ** 0.5
    bitmap = page.render(scale=scale, grayscale=True)
    try:
        buffer = io.BytesIO()
        flatten_background(bitmap.to_pil().convert("L")).save(buffer, format="PPM")
        return buffer.getvalue()
    finally:
        bitmap.close()


def _tesseract(image: bytes, lang: str, timeout_s: float) -> str:
    env = {**os.environ, "OMP_THREAD_LIMIT": "1"}
    linux = sys.platform.startswith("linux")
    done = subprocess.run(["tesseract", "stdin", "stdout", "-l", lang, "--psm", "3"],
                          input=image, capture_output=True, timeout=timeout_s, env=env,
                          check=False, preexec_fn=_die_with_parent if linux else None)
    if done.returncode != 0:
        message = one_line(done.stderr.decode("utf-8", "replace"), 200)
        raise RuntimeError(f"tesseract exit code {done.returncode}: {message}")
    return done.stdout.decode("utf-8", "replace")


def ocr_pages(data: bytes, indexes: Sequence[int], *, deadline: float, dpi: int = 200,
              lang: str = "eng") -> OcrResult | None:
    """OCR the pages ``indexes`` (0-based) of the PDF in ``data`` before ``deadline``.

    ``deadline`` is a :func:`time.monotonic` time. Returns None when tesseract is not
    installed or PDFium cannot open the document; never raises for a bad page.
    """
    engine = tesseract_version()
    if engine is None:
        return None
    try:
        document = pdfium.PdfDocument(data)
    except Exception as exc:  # PDFium cannot open it: nothing to render
        logger.info("OCR: PDFium cannot open the document: %s", exc)
        return None
    result = OcrResult(engine)
    try:
        for position, index in enumerate(indexes):
            left = deadline - time.monotonic()
            if left < 1:
                result.stopped = (f"time limit: {len(indexes) - position} of {len(indexes)} "
                                  "pages not read")
                logger.warning("OCR %s", result.stopped)
                break
            try:
                page = document[index]
            except Exception as exc:
                result.errors.append(one_line(f"page {index + 1}: {type(exc).__name__}: {exc}"))
                continue
            try:
                if not _has_image(page):
                    result.skipped += 1
                    continue
                result.tried += 1
                image = _image(page, dpi)
                left = max(0.1, deadline - time.monotonic())  # rendering took some of it
                result.texts[index] = _tesseract(image, lang, min(PAGE_TIMEOUT_S, left))
            except subprocess.TimeoutExpired:
                result.errors.append(f"page {index + 1}: tesseract timed out")
            except MemoryError:
                raise
            except Exception as exc:  # one page's failure costs only that page
                result.errors.append(one_line(f"page {index + 1}: {type(exc).__name__}: {exc}",
                                              200))
            finally:
                page.close()
    finally:
        document.close()
    for error in result.errors[:3]:
        logger.warning("OCR %s", error)
    return result
