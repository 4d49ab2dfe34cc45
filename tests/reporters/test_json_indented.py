"""reporters.json.dumps_indented writes exactly what json.dumps(indent=2) writes, faster."""

from __future__ import annotations

import json

from hypothesis import given, settings
from hypothesis import strategies as st

from lettercheck.reporters.json import dumps_indented

_SCALARS = (
    st.none()
    | st.booleans()
    | st.integers()
    | st.floats(allow_nan=True, allow_infinity=True)
    | st.text()
)
_VALUES = st.recursive(
    _SCALARS,
    lambda inner: (
        st.lists(inner, max_size=4)
        | st.tuples(inner, inner)
        | st.dictionaries(st.text(max_size=5), inner, max_size=4)
    ),
    max_leaves=30,
)


@settings(max_examples=400, deadline=None)
@given(_VALUES)
def test_the_same_characters_as_json_dumps(value: object) -> None:
    assert dumps_indented(value) == json.dumps(value, ensure_ascii=False, indent=2)


def test_what_it_does_not_write_itself_goes_to_json_dumps() -> None:
    assert dumps_indented({1: "a", "b": [None]}) == json.dumps(
        {1: "a", "b": [None]}, ensure_ascii=False, indent=2
    )
    assert dumps_indented({"æ": "ø\n\u2028«»"}) == '{\n  "æ": "ø\\n\u2028«»"\n}'
