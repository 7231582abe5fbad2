"""The volumes of a split or spanned archive read as one file, for the Python readers."""

from __future__ import annotations

import io
from collections.abc import Sequence
from pathlib import Path
from typing import Any


class Joined(io.RawIOBase):
    """Volumes read as one file, in order; ``starts`` holds where each begins."""

    def __init__(self, volumes: Sequence[Path]) -> None:
        self.streams = [open(v, "rb") for v in volumes]  # noqa: SIM115 - closed by close()
        self.starts = [0]
        for stream in self.streams:
            self.starts.append(self.starts[-1] + stream.seek(0, io.SEEK_END))
        self.position = 0

    def readable(self) -> bool:
        return True

    def seekable(self) -> bool:
        return True

    def seek(self, offset: int, whence: int = io.SEEK_SET) -> int:
        base = {io.SEEK_SET: 0, io.SEEK_CUR: self.position, io.SEEK_END: self.starts[-1]}
        self.position = max(base[whence] + offset, 0)
        return self.position

    def tell(self) -> int:
        return self.position

    def readinto(self, buffer: Any) -> int:
        view = memoryview(buffer).cast("B")
        done = 0
        while done < len(view) and self.position < self.starts[-1]:
            index = next(i for i in range(len(self.streams)) if self.position < self.starts[i + 1])
            stream = self.streams[index]
            stream.seek(self.position - self.starts[index])
            want = min(len(view) - done, self.starts[index + 1] - self.position)
            got = stream.readinto(view[done : done + want])
            if not got:
                break
            done += got
            self.position += got
        return done

    def close(self) -> None:
        for stream in self.streams:
            stream.close()
        super().close()
