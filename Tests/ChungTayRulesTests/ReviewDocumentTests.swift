import ChungTayRules
import Testing

@Suite("Review documents: one line, control characters escaped")
struct ReviewDocumentTests {
    @Test func writesOneLineWithControlCharactersEscaped() throws {
        let review = try Fixture.reviewed(["headName": "Line one\nLine \"two\"\t\u{1}"])
        let bytes = review.jsonBytes
        #expect(!bytes.contains(0x0A))
        let object = try Fixture.jsonObject(bytes)
        #expect(object["headName"] as? String == "Line one\nLine \"two\"\t\u{1}")
    }
}
