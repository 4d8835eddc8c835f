/**
 * Python source shared by the tests that check exports the way a downstream script would:
 * `cut(text, start, end)` slices `text` by offsets counted in the global `unit`
 * (codepoint, utf16 or utf8), as Python code reading a Loupe export would.
 */
export const PY_CUT = String.raw`
def cut(text, start, end):
    if unit == "codepoint":
        return text[start:end]
    if unit == "utf16":
        return text.encode("utf-16-le")[2 * start:2 * end].decode("utf-16-le")
    return text.encode("utf-8")[start:end].decode("utf-8")
`;
