"""Types of the extension module built from native/ (Rust, PyO3)."""

class NativeError(RuntimeError):
    """A failure inside native code: the document it happened on fails, the run goes on."""

class TreeModel:
    def __init__(
        self,
        bias: float,
        learning_rate: float,
        width: int,
        trees: list[
            tuple[
                tuple[int, ...] | list[int],
                tuple[float, ...] | list[float],
                tuple[int, ...] | list[int],
                tuple[int, ...] | list[int],
                tuple[float, ...] | list[float],
            ]
        ],
    ) -> None: ...
    @property
    def width(self) -> int: ...
    def probabilities(self, rows: bytes) -> bytes: ...

def _panic_for_tests(message: str) -> None: ...

class LineFeatures:
    def __init__(self, spec: dict[str, object]) -> None: ...
    @property
    def width(self) -> int: ...
    def marker_of(self, line: str) -> str | None: ...
    def title_key(self, line: str, strip_suffix: bool) -> str: ...
    def has_stops(self, key: str) -> bool: ...
    def document(
        self, lines: list[str], blank_before: list[bool], blank_after: list[bool], stops: str
    ) -> tuple[bytes, list[int], list[int], list[bool], bytes, list[int], tuple[int, int]]: ...

def neighbourhood(probabilities: bytes, chars: list[int]) -> bytes: ...
def main_block(
    chars: list[int], words: list[int], terminal: list[bool], marker: list[bool]
) -> tuple[int, int]: ...

class LineClassifier:
    def __init__(self, features: LineFeatures, first: TreeModel, second: TreeModel) -> None: ...
    def score(
        self, lines: list[str], blank_before: list[bool], blank_after: list[bool], stops: str
    ) -> tuple[bytes, list[int], list[int], list[bool], bytes, list[int], tuple[int, int]]: ...
