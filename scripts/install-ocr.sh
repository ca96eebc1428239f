#!/usr/bin/env bash
# Debian's Tesseract OCR with the language packs the extract service reads scans in
# (English, German, French, Dutch, Spanish, Italian, Portuguese). The models ship in the
# packages: nothing is fetched at run time. Also DejaVu Sans, the Unicode font the
# invoice generator embeds for characters the PDF core fonts lack (U+202F in 1 234,56).
set -euo pipefail
LANGS=(eng deu fra nld spa ita por)
missing=()
command -v tesseract >/dev/null || missing+=(tesseract-ocr)
dpkg -s fonts-dejavu-core >/dev/null 2>&1 || missing+=(fonts-dejavu-core)
for lang in "${LANGS[@]}"; do
  dpkg -s "tesseract-ocr-$lang" >/dev/null 2>&1 || missing+=("tesseract-ocr-$lang")
done
[[ ${#missing[@]} -eq 0 ]] && exit 0
echo "[install-ocr] installing ${missing[*]}" >&2
sudo_cmd=""
[[ "$(id -u)" -ne 0 ]] && sudo_cmd="sudo"
export DEBIAN_FRONTEND=noninteractive
$sudo_cmd apt-get update -qq >&2
$sudo_cmd apt-get install -y -qq --no-install-recommends "${missing[@]}" >&2
command -v tesseract >/dev/null || { echo "[install-ocr] tesseract still missing" >&2; exit 1; }
