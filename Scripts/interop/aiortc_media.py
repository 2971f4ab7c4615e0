"""Media for aiortc's control peer (CONTROL.md `addMedia`, `echoMedia`, `mediaReport`), without numpy.

The sources are aiortc MediaStreamTrack subclasses: a sine tone (s16 mono, 48 kHz, 20 ms frames) and a
test pattern in yuv420p whose every picture carries its frame number in the mark that Crucible's
FrameNumberMark doc comment specifies (Sources/Media/FrameNumberMark.swift): a top band of 32 cells, cell k
holding bit 31 - k of (number << 8 | check byte), luma 235 for 1 and 16 for 0, chroma 128. The receiving
side reads that mark back from each decoded picture's luma, and finds the tone's frequency with a
Hann-windowed Goertzel scan. Pure Python on purpose: the pinned requirements have no numpy, and a
320x240 picture at 30 fps is cheap when every row is built by slicing precomputed bytes.
"""

import array
import asyncio
import fractions
import math
import time
from typing import Any, Optional

import av
from aiortc.mediastreams import MediaStreamError, MediaStreamTrack

SAMPLE_RATE = 48000
AUDIO_SAMPLES = 960  # 20 ms
VIDEO_CLOCK = 90000
RECENT_AUDIO_FRAMES = 5  # the last 100 ms of decoded audio, for the tone's frequency
ECHO_QUEUE = 64  # frames an echo track holds before it drops the oldest


def band_height(height: int) -> int:
    return max(16, (height // 6) & ~1)


def mark_word(number: int) -> int:
    number %= 1 << 24
    check = ~((number >> 16) ^ (number >> 8) ^ number) & 0xFF
    return number << 8 | check


def read_mark(frame: av.VideoFrame) -> Optional[int]:
    """The frame number in a decoded picture's mark, or None (FrameNumberMark's "Reading" rule)."""
    if frame.format.name != "yuv420p":
        frame = frame.reformat(format="yuv420p")
    width, height = frame.width, frame.height
    if width < 64 or height < 48:
        return None
    plane = frame.planes[0]
    stride = plane.line_size
    luma = bytes(plane)
    band = band_height(height)
    cell = width // 32
    columns = max(1, cell // 2)
    rows = band // 2
    word = 0
    for k in range(32):
        x = k * cell + cell // 4
        total = 0
        for row in range(band // 4, band // 4 + rows):
            start = row * stride + x
            total += sum(luma[start:start + columns])
        word = word << 1 | (1 if total > 128 * rows * columns else 0)
    number = word >> 8
    return number if mark_word(number) == word else None


def goertzel_power(samples: list[float], window_sum: float, frequency: float) -> float:
    coefficient = 2 * math.cos(2 * math.pi * frequency / SAMPLE_RATE)
    previous = before = 0.0
    for sample in samples:
        previous, before = sample + coefficient * previous - before, previous
    return max(0.0, previous * previous + before * before - coefficient * previous * before) / (window_sum * window_sum)


def dominant_frequency(samples: list[int]) -> Optional[float]:
    """The strongest frequency between 100 and 4000 Hz: a 20 Hz scan over the last 20 ms, refined in 1 Hz
    steps over all the samples given; None below -50 dBFS."""
    if len(samples) < AUDIO_SAMPLES:
        return None

    def windowed(values: list[int]) -> tuple[list[float], float]:
        last = max(1, len(values) - 1)
        weights = [0.5 - 0.5 * math.cos(2 * math.pi * i / last) for i in range(len(values))]
        return [v * w for v, w in zip(values, weights)], sum(weights)

    short, short_sum = windowed(samples[-AUDIO_SAMPLES:])
    coarse = max(range(100, 4001, 20), key=lambda f: goertzel_power(short, short_sum, f))
    whole, whole_sum = windowed(samples)
    best = max(range(coarse - 20, coarse + 21), key=lambda f: goertzel_power(whole, whole_sum, f))
    amplitude = 2 * math.sqrt(goertzel_power(whole, whole_sum, best))
    if amplitude / 32767 < 10 ** (-50 / 20):
        return None
    return float(best)


class ToneTrack(MediaStreamTrack):
    """A sine tone at `frequency` Hz, -10 dBFS, in real time."""

    kind = "audio"

    def __init__(self, frequency: float) -> None:
        super().__init__()
        self.frequency = frequency
        self.frames = 0  # frames made: the next frame's number
        self.started: Optional[float] = None

    async def recv(self) -> av.AudioFrame:
        if self.readyState != "live":
            raise MediaStreamError
        number = self.frames
        if self.started is None:
            self.started = time.monotonic()
        wait = self.started + number * AUDIO_SAMPLES / SAMPLE_RATE - time.monotonic()
        if wait > 0:
            await asyncio.sleep(wait)
        amplitude = 32767 * 10 ** (-10 / 20)
        step = 2 * math.pi * self.frequency / SAMPLE_RATE
        first = number * AUDIO_SAMPLES
        samples = array.array("h", (int(round(amplitude * math.sin(step * ((first + i) % SAMPLE_RATE))))
                                    for i in range(AUDIO_SAMPLES)))
        frame = av.AudioFrame(format="s16", layout="mono", samples=AUDIO_SAMPLES)
        frame.planes[0].update(samples.tobytes())
        frame.sample_rate = SAMPLE_RATE
        frame.pts = first
        frame.time_base = fractions.Fraction(1, SAMPLE_RATE)
        self.frames += 1
        return frame


class PatternTrack(MediaStreamTrack):
    """The test pattern: eight grey bars scrolling 4 pixels a frame above a moving ramp, with the mark."""

    kind = "video"

    def __init__(self, width: int, height: int, frame_rate: int) -> None:
        super().__init__()
        self.width, self.height, self.frame_rate = width & ~1, height & ~1, max(1, frame_rate)
        self.frames = 0
        self.started: Optional[float] = None
        width, height = self.width, self.height
        bars = bytes(235 - (x * 8 // width) * 27 for x in range(width))
        ramp = bytes(16 + (x * 219 // width) for x in range(width))
        self.bars, self.ramp = bars + bars, ramp + ramp  # doubled, so a shifted row is one slice
        self.band = band_height(height)
        self.cell = width // 32
        self.chroma = bytes([128]) * ((width // 2) * (height // 2))

    def picture(self, number: int) -> av.VideoFrame:
        width, height, band, cell = self.width, self.height, self.band, self.cell
        shift = (number * 4) % width
        bars = self.bars[shift:shift + width]
        ramp = self.ramp[width - shift:2 * width - shift]
        word = mark_word(number)
        mark = b"".join(bytes([235 if (word >> (31 - k)) & 1 else 16]) * cell for k in range(32))
        mark_row = mark + bars[32 * cell:]
        luma = mark_row * band + bars * (height // 2 - band) + ramp * (height - height // 2)
        frame = av.VideoFrame(width, height, "yuv420p")
        for plane, data, plane_width in zip(frame.planes, (luma, self.chroma, self.chroma), (width, width // 2, width // 2)):
            if plane.line_size != plane_width:  # rows padded to the plane's stride
                data = b"".join(data[row * plane_width:(row + 1) * plane_width].ljust(plane.line_size, b"\0")
                                for row in range(len(data) // plane_width))
            plane.update(data)
        return frame

    async def recv(self) -> av.VideoFrame:
        if self.readyState != "live":
            raise MediaStreamError
        number = self.frames
        if self.started is None:
            self.started = time.monotonic()
        wait = self.started + number / self.frame_rate - time.monotonic()
        if wait > 0:
            await asyncio.sleep(wait)
        frame = self.picture(number)
        frame.pts = number * VIDEO_CLOCK // self.frame_rate
        frame.time_base = fractions.Fraction(1, VIDEO_CLOCK)
        self.frames += 1
        return frame


class EchoTrack(MediaStreamTrack):
    """Sends back what a remote track of its kind gives (CONTROL.md `echoMedia`): decoded frames are
    queued by the receiving loop and re-encoded by aiortc's sender, as an SFU echo test does."""

    def __init__(self, kind: str) -> None:
        super().__init__()
        self.kind = kind
        self.queue: asyncio.Queue[Any] = asyncio.Queue()

    def offer(self, frame: Any) -> None:
        if self.queue.qsize() >= ECHO_QUEUE:
            self.queue.get_nowait()
        self.queue.put_nowait(frame)

    async def recv(self) -> Any:
        if self.readyState != "live":
            raise MediaStreamError
        return await self.queue.get()


class Reception:
    """One received kind's figures, as CONTROL.md's mediaReport gives them."""

    def __init__(self, kind: str) -> None:
        self.kind = kind
        self.frames = 0
        self.decoded = 0
        self.width: Optional[int] = None
        self.height: Optional[int] = None
        self.recent: list[bytes] = []  # the latest audio frames, mono s16
        self.first: Optional[int] = None
        self.last: Optional[int] = None
        self.count = 0
        self.in_order = 0
        self.highest: Optional[int] = None
        self.numbers: set[int] = set()

    def take(self, frame: Any) -> None:
        self.frames += 1
        self.decoded += 1
        if self.kind == "audio":
            if frame.format.name != "s16":  # aiortc's Opus decoder gives packed s16; anything else is converted
                frames = AUDIO_RESAMPLER.resample(frame)
                if not frames:
                    return
                frame = frames[0]
            channels = len(frame.layout.channels)
            interleaved = array.array("h", bytes(frame.planes[0])[:frame.samples * 2 * channels])
            self.recent.append(interleaved[0::channels].tobytes())  # the first channel
            del self.recent[:-RECENT_AUDIO_FRAMES]
            return
        self.width, self.height = frame.width, frame.height
        number = read_mark(frame)
        if number is None:
            return
        if self.first is None:
            self.first = number
        self.last = number
        self.count += 1
        if self.highest is None or number > self.highest:
            self.in_order += 1
            self.highest = number
        if len(self.numbers) < 1 << 16:
            self.numbers.add(number)

    def report(self) -> dict[str, Any]:
        if self.kind == "audio":
            samples = array.array("h")
            for chunk in self.recent:
                samples.frombytes(chunk)
            return {"packets": self.frames, "decoded": self.decoded, "frequency": dominant_frequency(list(samples))}
        numbers = None
        if self.count:
            missing = max(self.numbers) - min(self.numbers) + 1 - len(self.numbers)
            numbers = {"first": self.first, "last": self.last, "count": self.count, "inOrder": self.in_order,
                       "outOfOrder": self.count - self.in_order, "missing": missing}
        return {"frames": self.frames, "decoded": self.decoded, "width": self.width, "height": self.height, "numbers": numbers}


AUDIO_RESAMPLER = av.AudioResampler(format="s16", layout="mono", rate=SAMPLE_RATE)
