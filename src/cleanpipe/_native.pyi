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
