import ChungTayCoding
import ChungTayRules

/// `json-reader`: the strict JSON reader (`JSONValue(parsing:)`), which every task
/// payload, JSON Lines input line and rule file goes through.
///
/// Properties: what the reader takes the syntax check (`JSONSyntax`, the same grammar
/// without values) takes too; a value read, written compactly (`JSONWriter`), reads back
/// equal; read as a task payload (`ParsedPayload`), a member the reader calls canonical (handed on by a
/// batch stage as its bytes) is exactly what writing its value gives; read leaving the handed-on
/// lists unread where it can (`ParsedPayload(_:leavingUnread:)`), it gives the same values, bytes and errors.
enum JSONReaderTarget {
    static let target = FuzzTarget(name: "json-reader", run: run, seeds: seeds)

    static func run(_ input: [UInt8]) throws(FuzzFailure) {
        guard let value = try? JSONValue(parsing: input) else { return }
        try check(JSONSyntax.isValid(input), "the reader takes a text the syntax check refuses")
        let written = compact(value)
        try check((try? JSONValue(parsing: written)) == value, "the value written as \(String(decoding: written, as: UTF8.self)) reads back different")
        let read = Result { () throws(TaskRejection) in try ParsedPayload(input) }
        let skipping = Result { () throws(TaskRejection) in try ParsedPayload(input, leavingUnread: ParsedPayload.handedOn) }
        let payload: ParsedPayload
        let skipped: ParsedPayload
        switch (read, skipping) {
        case (.success(let read), .success(let skipping)): (payload, skipped) = (read, skipping)
        case (.failure(let read), .failure(let skipping)):
            return try check(read == skipping, "skipping the handed-on lists gives another error")
        default: throw FuzzFailure("reading and skipping the handed-on lists disagree on whether the payload is one")
        }
        for member in payload.object.members {
            try check(skipped.value(of: member.key) == payload.value(of: member.key), "member \(member.key) reads differently when skipped")
            try check(
                skipped.canonicalBytes(of: member.key) == payload.canonicalBytes(of: member.key),
                "member \(member.key) is handed on differently when skipped")
            guard let bytes = payload.canonicalBytes(of: member.key), let value = payload.object[member.key] else { continue }
            try check(Array(bytes) == compact(value), "member \(member.key) is called canonical but writing it gives other bytes")
        }
    }

    private static func compact(_ value: JSONValue) -> [UInt8] {
        var writer = JSONWriter(capacity: 256)
        writer.value(value)
        return writer.finish()
    }

    static func seeds() -> [(name: String, bytes: [UInt8])] {
        var seeds = SeedSet()
        let documents: [(String, String)] = [
            ("object", #"{"a":1,"b":[true,false,null],"c":{"d":"e"}}"#),
            ("handed-on", #"{"batch":{"id":"B1","asOf":"2026-03-01","whatIf":false},"loans":[{"x":1.5}],"reviews":[]}"#),
            ("handed-on-spaced", #"{ "batch" : { "id" : "B1" } , "loans" : [ 1 , 2 ] }"#),
            ("numbers", "[0,-0,1e2,1E-2,-12.5e+3,123456789012345678901234567890,1e999,-1e999,0.1,100]"),
            ("escapes", #"["\"\\\/\b\f\n\r\t","\u0041\u00e9\ud83d\ude00","\u001f"]"#),
            ("unicode", "[\"Nguyễn Văn An\",\"e\u{301}\",\"Tánh Linh\"]"),
            ("nested", String(repeating: "[", count: 64) + String(repeating: "]", count: 64)),
            ("too-deep", String(repeating: "[", count: 65) + String(repeating: "]", count: 65)),
            ("duplicate-keys", #"{"batch":1,"batch":{"id":"x"}}"#),
            ("scalar", #""text""#),
            ("whitespace", " \t\r\n{}\n "),
        ]
        for (name, text) in documents {
            seeds.add(name, Array(text.utf8))
        }
        seeds.add(
            "handed-on-notices",
            Array(
                #"{"batch":{"id":"B1"},"reviews":[{"householdCode":"TL-1","headName":"Nguyễn Văn An","priorityScore":3,"flags":[],"source":{"file":"h.csv","line":2}}],"loans":[{"a":-1.5}]}"#
                    .utf8))
        seeds.add("truncated", Array(#"{"a":[1,2,{"b":"#.utf8))
        seeds.add("invalid-utf8", [0x22, 0xC3, 0x28, 0x22])
        seeds.add("lone-surrogate", Array(#""\ud800""#.utf8))
        return seeds.seeds
    }
}
