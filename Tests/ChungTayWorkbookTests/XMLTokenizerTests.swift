import Testing

@testable import ChungTayWorkbook

@Suite("XML tokenizer")
struct XMLTokenizerTests {
    /// The events of a document as text, or the error that ended them.
    static func events(_ xml: String, chunkSize: Int = .max, limits: WorkbookLimits = WorkbookLimits()) -> String {
        let tokenizer = XMLTokenizer(source: MemoryByteSource(Array(xml.utf8), partName: "p", chunkSize: chunkSize), limits: limits)
        var result: [String] = []
        do throws(WorkbookError) {
            while true {
                switch try tokenizer.next() {
                case .start:
                    var tag = "<" + String(decoding: tokenizer.localName, as: UTF8.self)
                    for name in ["a", "b", "id"] as [StaticString] {
                        if let value = try tokenizer.attribute(name) { tag += " \(name)=\(String(decoding: value, as: UTF8.self))" }
                    }
                    result.append(tag + ">")
                case .end:
                    result.append("</" + String(decoding: tokenizer.localName, as: UTF8.self) + ">")
                case .text:
                    result.append("[" + String(decoding: try tokenizer.text(), as: UTF8.self) + "]")
                case .endOfDocument:
                    return result.joined()
                }
            }
        } catch {
            return result.joined() + " ! \(error)"
        }
    }

    @Test("tags, attributes, entities, CDATA, comments and prefixes, at every chunk size")
    func wellFormed() {
        let xml = "\u{FEFF}<?xml version=\"1.0\"?>\n<!-- head --><x:r xmlns:x=\"u\" a='1 &amp; 2' x:b=\"&#x1EA1;\"><e/>t&lt;&gt;&quot;&apos;&#65;\r\nu<![CDATA[<&>]]><?pi x?><q:s r:id=\"7\" >z</q:s ></x:r>\n"
        let expected = "<r a=1 & 2 b=ạ><e></e>[t<>\"'A\nu][<&>]<s id=7>[z]</s></r>"
        for chunk in [1, 2, 3, 5, 8, 13, 64, .max] {
            #expect(Self.events(xml, chunkSize: chunk) == expected, "chunk \(chunk)")
        }
    }

    @Test("malformed documents are refused with the place")
    func malformed() {
        let cases: [(String, String)] = [
            ("", "no root element"),
            ("<a>", "the part ends inside an element"),
            ("<a></b>", "an end tag that does not match its start tag"),
            ("<a/><b/>", "a second root element"),
            ("x<a/>", "text outside the root element"),
            ("<a/>x", "text outside the root element"),
            ("</a>", "an end tag with no open element"),
            ("<a>&bogus;</a>", "an unknown entity"),
            ("<a>&#0;</a>", "a character reference to a character XML forbids"),
            ("<a>&#xD800;</a>", "a character reference to a character XML forbids"),
            ("<a>&#99999999999;</a>", "an '&' that starts no entity"),
            ("<a>& b</a>", "an '&' that starts no entity"),
            ("<a b=\"<\"/>", "'<' inside an attribute value"),
            ("<a b=1/>", "an attribute value without quotes"),
            ("<a b/>", "an attribute without '='"),
            ("<a b=\"1\"c=\"2\"/>", "attributes not separated by whitespace"),
            ("<a", "the part ends inside markup"),
            ("<a><!-- x </a>", "the part ends inside markup"),
            ("<!DOCTYPE a><a/>", "a DOCTYPE declaration (workbook parts have none)"),
            ("<![CDATA[x]]><a/>", "a CDATA section outside the root element"),
            ("<a><!x></a>", "unknown markup after '<!'"),
            ("<a></ >", "a tag without a name"),
            ("<a:></a:>", "a tag without a local name"),
        ]
        for (xml, reason) in cases {
            let result = Self.events(xml)
            #expect(result.contains("not well-formed XML") && result.hasSuffix(reason), "\(xml) → \(result)")
        }
    }

    @Test("limits on depth, names, attributes and tokens")
    func limits() {
        var limits = WorkbookLimits()
        limits.maximumXMLDepth = 3
        limits.maximumXMLNameBytes = 8
        limits.maximumXMLAttributes = 2
        limits.maximumXMLTokenBytes = 100
        #expect(Self.events("<a><b><c/></b></a>", limits: limits) == "<a><b><c></c></b></a>")
        #expect(Self.events("<a><b><c><d/></c></b></a>", limits: limits).hasSuffix("p: element nesting over the limit of 3"))
        #expect(Self.events("<abcdefghi/>", limits: limits).hasSuffix("p: bytes of one name over the limit of 8"))
        #expect(Self.events("<a abcdefghi=\"1\"/>", limits: limits).hasSuffix("p: bytes of one name over the limit of 8"))
        #expect(Self.events("<a a=\"1\" b=\"2\" c=\"3\"/>", limits: limits).hasSuffix("p: attributes on one element over the limit of 2"))
        let long = "<a>" + String(repeating: "x", count: 150) + "</a>"
        for chunk in [1, 7, .max] {
            #expect(Self.events(long, chunkSize: chunk, limits: limits).hasSuffix("p: bytes of one tag, text or comment over the limit of 100"))
        }
        // Many short tokens in a row are no problem: the window holds one token at a time.
        let many = "<a>" + String(repeating: "<b/><!-- c -->", count: 1000) + "</a>"
        #expect(!Self.events(many, chunkSize: 5, limits: limits).contains("!"))
    }

    @Test("cell text: _xHHHH_ escapes, NFC, invalid UTF-8")
    func cellText() {
        func text(_ bytes: [UInt8]) -> String? { bytes.withUnsafeBytes { try? XMLText.cellText($0) } }
        #expect(text(Array("a_x000D__x000A_b".utf8)) == "a\r\nb")
        #expect(text(Array("_xD83D__xDE00_".utf8)) == "😀")
        #expect(text(Array("_xD83D_ _x0000_ _x00zz_ _x005F_x0041_".utf8)) == "_xD83D_ _x0000_ _x00zz_ _x0041_")
        #expect(text(Array("Tra\u{0302}\u{0300}n".utf8)) == "Trần")
        #expect(text([0x61, 0xC3, 0x28]) == nil)
        // Stream-safe: 30 combining marks in a row are text, 31 are not (a _xHHHH_ escape counts
        // as its character); a base letter between runs starts a new run.
        let marks = (0..<31).map { $0 % 2 == 0 ? "\u{0301}" : "\u{0316}" }
        #expect(text(Array(("a" + marks.prefix(30).joined()).utf8)) != nil)
        #expect(text(Array(("a" + marks.joined()).utf8)) == nil)
        #expect(text(Array(("a" + marks.prefix(30).joined() + "_x0301_").utf8)) == nil)
        #expect(text(Array(String(repeating: "a" + marks.prefix(30).joined(), count: 100).utf8)) != nil)
        #expect(text(Array(("\u{0F73}" + marks.prefix(29).joined()).utf8)) == nil)
        #expect(text(Array(String(repeating: "ệ\u{0323}\u{0302}", count: 5000).utf8)) != nil)
    }
}
