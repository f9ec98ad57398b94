"""The production engine: an Argos Translate package, or a converted OPUS-MT,
NLLB-200 or M2M-100 model, run directly with CTranslate2 and SentencePiece.

The families differ only in files and in the tokens wrapped around the text
(``translator.models.layouts``); everything here works on a ``ModelFiles``.

We skip ``argostranslate.translate`` on purpose: it imports torch, stanza and
spaCy, may reach for the network, and translates one paragraph per call. Here
every segment of every file goes to CTranslate2 in ONE ``translate_batch`` call,
which sorts by length and spreads token-sized batches over parallel workers.
``benchmarks/bench_translate.py`` measures the difference (README.md, “Engine and its defaults”).
"""
from __future__ import annotations

import json
import os
import time
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any, Callable, Sequence

from glossary.errors import EngineError
from translator.engine import DecodeRequest, DecodeResult, Span
from translator.models.layouts import ModelFiles, fingerprint

if TYPE_CHECKING:
    from translator.packages import InstalledPackage

# SentencePiece's word-boundary marker: a piece that starts with it starts a word.
SPACE_MARKER = "\u2581"

# Measured by benchmarks/bench_translate.py on a 2-core VM with a transformer-base
# int8 model: 2 workers x 1 thread each beat 1 worker x 2 threads (3.4 s vs 4.6 s), and
# intra_threads=0 (all cores per call) was 30x slower on one-sentence calls.
DEFAULT_INTRA_THREADS = 1
# Token-sized batches: the seed article (31 sentences, ~1500 tokens) ran in
# 5.1 s at 128 tokens, 3.4 s at 256, 1.7 s at 512, 1.6 s at 1024 and 2.4 s at
# 4096 (one batch: a worker idles). 512 still gives the workers several
# batches to share on one article.
DEFAULT_MAX_BATCH_TOKENS = 512
DEFAULT_BEAM_SIZE = 4  # Argos's own default
# Argos uses 0.2. On the fixture model (141 training pairs) 0.2 cut 6 outputs
# below 80 % of the reference length, 1.0 only 3, with the same 128 exact
# matches: a weak length penalty favours short beams, so we use 1.0.
DEFAULT_LENGTH_PENALTY = 1.0
# Inputs longer than this are cut rather than crashing the model: small models
# often have learned position tables of 512 rows, and CTranslate2 fails on any
# position past them (input or output). The segmenter keeps real segments far below.
MAX_INPUT_TOKENS = 500
MAX_DECODING_TOKENS = 500


def default_inter_threads() -> int:
    """One worker per core, at most 4 (beyond that, memory grows for little gain)."""
    return max(1, min(os.cpu_count() or 1, 4))


@dataclass(frozen=True)
class DecodingSettings:
    """Everything besides the model that changes the output (part of the cache key)."""

    beam_size: int = DEFAULT_BEAM_SIZE
    length_penalty: float = DEFAULT_LENGTH_PENALTY
    # What CTranslate2 computes in (int8 on CPU, int8_float16 on GPU…): outputs can differ.
    compute_type: str = ""

    def key(self) -> str:
        return f"beam={self.beam_size};length_penalty={self.length_penalty};compute_type={self.compute_type}"


class ArgosEngine:
    """Translate with a CTranslate2 model + SentencePiece: an Argos package or a converted model.

    ``compute_type="auto"`` means int8 on CPU (what Argos ships) and
    int8_float16 on CUDA, falling back to the model's own type when those are
    unavailable for it. ``device`` is ``cpu`` or ``cuda`` (``translator.device``
    decides which, and sizes threads and batches for it).
    """

    def __init__(
        self,
        package: InstalledPackage | ModelFiles,
        beam_size: int = DEFAULT_BEAM_SIZE,
        compute_type: str = "auto",
        inter_threads: int | None = None,
        intra_threads: int = DEFAULT_INTRA_THREADS,
        max_batch_tokens: int = DEFAULT_MAX_BATCH_TOKENS,
        length_penalty: float = DEFAULT_LENGTH_PENALTY,
        device: str = "cpu",
    ) -> None:
        files = package if isinstance(package, ModelFiles) else package.files()
        self.files = files
        self.name: str = files.name
        self.version: str = str(files.version)
        self.layout: str = files.layout
        self.package_path = Path(files.folder)
        # The translation memory's model key: two models under one name never share entries.
        self.identity: str = f"{files.layout}:{files.name}:{fingerprint(files.model_dir)}"
        self.max_batch_tokens = max_batch_tokens
        self.calls = 0  # translate_batch calls made; tests and benchmarks read it
        # Set by the pipeline: called with (segments done, segments in this call)
        # while the one big batch runs, so progress moves without smaller batches.
        self.on_progress: Callable[[int, int], None] | None = None
        # The layout's target prefix (NLLB's eng_Latn, an Argos package's language
        # tag): forced before any glossary prefix, stripped from the output.
        self._metadata_prefix: list[str] = list(files.target_prefix)
        self._source_prefix, self._source_suffix = list(files.source_prefix), list(files.source_suffix)
        self._plumbing = frozenset(files.target_prefix + files.source_prefix + files.source_suffix)
        self._translator, self._processor, self._target_processor = _load(
            files, compute_type, inter_threads or default_inter_threads(), intra_threads, device
        )
        self.settings = DecodingSettings(
            beam_size=beam_size, length_penalty=length_penalty, compute_type=str(self._translator.compute_type)
        )
        self._target_vocabulary = _target_vocabulary(files.model_dir)

    def translate(self, requests: Sequence[DecodeRequest]) -> list[DecodeResult]:
        """Translate all requests; one CTranslate2 call per distinct banned set.

        CTranslate2 takes one ``suppress_sequences`` list per call, so requests
        are grouped by their banned phrases (almost all share the empty set and
        go out together); results come back in request order.
        """
        results: list[DecodeResult | None] = [None] * len(requests)
        groups: dict[tuple[str, ...], list[int]] = {}
        for index, request in enumerate(requests):
            groups.setdefault(tuple(sorted(set(request.banned))), []).append(index)
        for banned, indexes in groups.items():
            batch = [requests[i] for i in indexes]
            for index, result in zip(indexes, self._translate_group(batch, banned)):
                results[index] = result
        return [result for result in results if result is not None]

    def _translate_group(self, requests: list[DecodeRequest], banned: tuple[str, ...]) -> list[DecodeResult]:
        encoded = [self._encode(request.source) for request in requests]
        room = MAX_INPUT_TOKENS - len(self._source_prefix) - len(self._source_suffix)
        sources = [
            self._source_prefix + ([piece for piece, _ in pieces][:room] or [SPACE_MARKER]) + self._source_suffix
            for pieces in encoded
        ]
        prefixes = [self._metadata_prefix + self._prefix_pieces(request.target_prefix) for request in requests]
        longest_source = max(len(source) for source in sources)
        longest_prefix = max(len(prefix) for prefix in prefixes)
        want_attention = any(request.return_attention for request in requests)
        suppressed = self._suppressed_sequences(banned)
        self.calls += 1
        on_progress = self.on_progress
        try:
            outputs = self._translator.translate_batch(
                sources,
                target_prefix=[prefix or None for prefix in prefixes] if longest_prefix else None,
                max_batch_size=self.max_batch_tokens,
                batch_type="tokens",
                beam_size=self.settings.beam_size,
                length_penalty=self.settings.length_penalty,
                suppress_sequences=suppressed or None,
                return_attention=want_attention,
                replace_unknowns=True,
                max_input_length=MAX_INPUT_TOKENS,
                # Prefix tokens count against the limit; random or broken models never stop.
                max_decoding_length=min(MAX_DECODING_TOKENS, longest_prefix + 2 * longest_source + 16),
                asynchronous=on_progress is not None,
            )
            if on_progress is not None:
                outputs = _wait_reporting(outputs, on_progress)
        except (RuntimeError, ValueError) as exc:
            raise EngineError(f"translation failed: {exc}", path=str(self.package_path)) from None
        results = []
        for request, pieces, prefix, output in zip(requests, encoded, prefixes, outputs):
            tokens = list(output.hypotheses[0])
            attention = output.attention[0] if want_attention and output.attention else None
            # The metadata prefix (e.g. a language tag) is Argos plumbing, not text.
            skip = len(self._metadata_prefix) if tokens[: len(self._metadata_prefix)] == self._metadata_prefix else 0
            # A weak model may also emit a language token mid-sentence (seen with the
            # NLLB fixture on one-letter input): never text, so dropped with its attention row.
            kept = [i for i in range(skip, len(tokens)) if tokens[i] not in self._plumbing]
            tokens = [tokens[i] for i in kept]
            text, spans = detokenize(tokens)
            rows = None
            if request.return_attention and attention is not None:
                # Columns of the text's own pieces, without the layout's language token and </s>.
                first = len(self._source_prefix)
                width = len(pieces)
                attention_rows = list(attention)
                rows = tuple(tuple(float(w) for w in attention_rows[i][first : first + width]) for i in kept)
            results.append(
                DecodeResult(
                    text=text,
                    target_tokens=tuple(tokens),
                    target_spans=tuple(spans),
                    source_spans=tuple(span for _, span in pieces),
                    attention=rows,
                )
            )
        return results

    def _encode(self, text: str) -> list[tuple[str, Span]]:
        """SentencePiece pieces of ``text``, each with its char span in ``text``."""
        proto = self._processor.encode(text, out_type="proto")
        char_of_byte = _byte_to_char_index(text)
        pieces = []
        for piece in proto.pieces:
            start, end = char_of_byte[piece.begin], char_of_byte[piece.end]
            # The span is the word, not the whitespace the ▁ marker stands for.
            while start < end and text[start].isspace():
                start += 1
            pieces.append((piece.piece, (start, end)))
        return pieces

    def _prefix_pieces(self, prefix: str | None) -> list[str]:
        if not prefix:
            return []
        pieces: list[str] = self._target_processor.encode(prefix, out_type=str)
        return pieces

    def _suppressed_sequences(self, banned: tuple[str, ...]) -> list[list[str]]:
        """Each banned phrase as token sequences, in the casings and word-boundary
        forms a model is likely to produce; sequences with a token the model
        cannot emit are dropped (CTranslate2 rejects them, and they cannot occur)."""
        sequences: list[list[str]] = []
        for phrase in banned:
            for variant in dict.fromkeys((phrase, phrase.lower(), phrase.capitalize(), phrase.title())):
                pieces: list[str] = self._target_processor.encode(variant, out_type=str)
                if not pieces:
                    continue
                glued = [pieces[0].lstrip(SPACE_MARKER)] + pieces[1:] if pieces[0] != SPACE_MARKER else pieces[1:]
                for candidate in (pieces, [p for p in glued if p]):
                    if candidate and candidate not in sequences and self._emittable(candidate):
                        sequences.append(candidate)
        return sequences

    def _emittable(self, tokens: list[str]) -> bool:
        vocabulary = self._target_vocabulary
        return vocabulary is None or all(token in vocabulary for token in tokens)


def _wait_reporting(pending: list[Any], on_progress: Callable[[int, int], None]) -> list[Any]:
    """Wait for asynchronous results, reporting how many are done as they finish."""
    total = len(pending)
    reported = -1
    while True:
        done = sum(1 for result in pending if result.done())
        if done != reported:
            on_progress(done, total)
            reported = done
        if done == total:
            return [result.result() for result in pending]
        time.sleep(0.05)


def detokenize(pieces: Sequence[str]) -> tuple[str, list[Span]]:
    """Join SentencePiece pieces into text, with each piece's [start, end) in it.

    The ▁ marker becomes a space; the text's leading space is dropped. A piece's
    span covers its visible characters, not the space before it.
    """
    text_parts: list[str] = []
    spans: list[Span] = []
    length = 0
    for piece in pieces:
        surface = piece.replace(SPACE_MARKER, " ")
        if length == 0:
            surface = surface.lstrip(" ")
        leading = len(surface) - len(surface.lstrip(" "))
        spans.append((length + leading, length + len(surface)))
        text_parts.append(surface)
        length += len(surface)
    text = "".join(text_parts).rstrip(" ")
    # A trailing lone ▁ piece left a space; its span shrinks with the text.
    return text, [(min(start, len(text)), min(end, len(text))) for start, end in spans]


def _byte_to_char_index(text: str) -> list[int]:
    """index[b] = the char index at UTF-8 byte offset b (and one past the end)."""
    index: list[int] = []
    for char_index, char in enumerate(text):
        index.extend([char_index] * len(char.encode("utf-8")))
    index.append(len(text))
    return index


# compute_type="auto": the fast types of each device first, the model's own type last.
AUTO_COMPUTE_TYPES = {"cpu": ("int8", "default"), "cuda": ("int8_float16", "float16", "default")}


def _load(
    files: ModelFiles, compute_type: str, inter_threads: int, intra_threads: int, device: str = "cpu"
) -> tuple[Any, Any, Any]:
    """The CTranslate2 translator and the source and target SentencePiece processors."""
    for needed in (files.model_dir, files.source_spm, files.target_spm):
        if not needed.exists():
            raise EngineError(f"model is missing {needed.name}", path=str(files.folder))
    import ctranslate2
    import sentencepiece

    processors = []
    for spm_file in dict.fromkeys((files.source_spm, files.target_spm)):
        try:
            processors.append(sentencepiece.SentencePieceProcessor(model_file=str(spm_file)))
        except (OSError, RuntimeError) as exc:
            raise EngineError(f"cannot load the SentencePiece model: {_one_line(exc)}", path=str(spm_file)) from None
    source_processor, target_processor = processors[0], processors[-1]
    wanted = AUTO_COMPUTE_TYPES.get(device, ("default",)) if compute_type == "auto" else (compute_type,)
    last_error: Exception | None = None
    for candidate in wanted:
        try:
            translator = ctranslate2.Translator(
                str(files.model_dir),
                device=device,
                compute_type=candidate,
                inter_threads=inter_threads,
                intra_threads=intra_threads,
            )
            return translator, source_processor, target_processor
        except (RuntimeError, ValueError, OSError) as exc:
            last_error = exc
    raise EngineError(f"cannot load the CTranslate2 model on {device}: {_one_line(last_error)}", path=str(files.model_dir))


def _one_line(exc: BaseException | None) -> str:
    return " ".join(str(exc).split()) or type(exc).__name__


def _target_vocabulary(model_dir: Path) -> frozenset[str] | None:
    """The tokens the model can emit, from its vocabulary file (None if unreadable)."""
    for name in ("target_vocabulary", "shared_vocabulary"):
        json_file, text_file = model_dir / f"{name}.json", model_dir / f"{name}.txt"
        try:
            if json_file.exists():
                return frozenset(json.loads(json_file.read_text(encoding="utf-8")))
            if text_file.exists():
                return frozenset(text_file.read_text(encoding="utf-8").splitlines())
        except (OSError, ValueError):
            return None
    return None
