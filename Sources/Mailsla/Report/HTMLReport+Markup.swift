/// Writes markup whose tags cannot come out unbalanced: an element is opened
/// and closed by one call around its body, and every text and attribute value
/// passes through `HTMLText.escape`, so nothing read from a log (host names,
/// program names, offenders, exclusion reasons, file names) can open a tag,
/// end an attribute or start a script.
///
/// The output is also well-formed XML (lower-case tags, quoted attributes,
/// void elements written `<br/>`, no named entities but the five of XML), so
/// the tests parse it with `XMLDocument`.
final class HTMLWriter {
    private(set) var output = ""

    init() { output.reserveCapacity(64 * 1024) }

    /// `<tag attrs>` body `</tag>`.
    func element(_ tag: String, _ attributes: [(String, String)] = [], _ body: () -> Void) {
        open(tag, attributes)
        body()
        output += "</\(tag)>"
    }

    /// `<tag attrs>text</tag>`.
    func element(_ tag: String, _ attributes: [(String, String)] = [], text: String) {
        element(tag, attributes) { self.text(text) }
    }

    /// An element without content: `<tag attrs/>` (HTML void elements and SVG shapes).
    func empty(_ tag: String, _ attributes: [(String, String)] = []) {
        output += "<\(tag)"
        appendAttributes(attributes)
        output += "/>"
    }

    /// Escaped text.
    func text(_ s: String) { output += HTMLText.escape(s) }

    /// Markup this module wrote itself (the doctype, the style sheet): never log text.
    func trusted(_ s: StaticString) { output += "\(s)" }

    /// A figure whose machine value is the JSON report's: `<data data-key="…" value="…">shown</data>`.
    /// The tests compare `value` with the JSON document key by key.
    func figure(_ key: String, _ value: JSONValue, shown: String, attributes: [(String, String)] = []) {
        element("data", [("data-key", key), ("value", value.rendered())] + attributes, text: shown)
    }

    /// `<time datetime="RFC 3339 as in the JSON">2023-03-14 10:05:07</time>`: whole seconds shown,
    /// the exact instant kept; only the clock time when `sameDayAs` falls on the same UTC day.
    func time(_ micros: Int64, sameDayAs other: Int64? = nil) {
        let exact = HTMLFormat.time(micros)
        var shown = String(exact.prefix(19)).replacingOccurrences(of: "T", with: " ")
        if let other, HTMLFormat.time(other).prefix(10) == exact.prefix(10) { shown = String(shown.dropFirst(11)) }
        element("time", [("datetime", exact), ("title", exact)], text: shown)
    }

    private func open(_ tag: String, _ attributes: [(String, String)]) {
        output += "<\(tag)"
        appendAttributes(attributes)
        output += ">"
    }

    private func appendAttributes(_ attributes: [(String, String)]) {
        for (name, value) in attributes {
            output += " \(name)=\"\(HTMLText.escape(value))\""
        }
    }
}

/// Text made safe for HTML text and quoted attribute values.
enum HTMLText {
    /// Escapes `& < > " '`, and replaces control characters and the two
    /// non-characters U+FFFE and U+FFFF (which XML does not allow in text) with
    /// U+FFFD. Tab, line feed and carriage return stay.
    static func escape(_ s: String) -> String {
        var needs = false
        for u in s.utf8 where u == 0x26 || u == 0x3C || u == 0x3E || u == 0x22 || u == 0x27 || u < 0x20 || u == 0x7F || u == 0xEF {
            needs = true
            break
        }
        guard needs else { return s }
        var out = ""
        out.reserveCapacity(s.utf8.count + 16)
        for scalar in s.unicodeScalars {
            switch scalar {
            case "&": out += "&amp;"
            case "<": out += "&lt;"
            case ">": out += "&gt;"
            case "\"": out += "&quot;"
            case "'": out += "&#39;"
            case "\t", "\n", "\r": out.unicodeScalars.append(scalar)
            case _ where scalar.value < 0x20 || scalar.value == 0x7F || scalar.value == 0xFFFE || scalar.value == 0xFFFF:
                out += "\u{FFFD}"
            default: out.unicodeScalars.append(scalar)
            }
        }
        return out
    }
}
