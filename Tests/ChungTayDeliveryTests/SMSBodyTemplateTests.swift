@testable import ChungTayDelivery
import ChungTayCoding
import Foundation
import Testing

@Suite struct SMSBodyTemplateTests {
    static let hostileText = "Ho \"Le\" & con\\no\n{phone} nợ 1.000.000đ"

    @Test func jsonValuesAreEscapedInsideTheirStrings() throws {
        let template = try SMSBodyTemplate(
            text: #"{"to":"{phone}","message":"{text}","ref":"{reference}","auth":{"user":"{username}"}}"# + "\n", format: .json
        )
        #expect(template.placeholders == [.phone, .text, .reference, .username])
        let body = template.render([.phone: "0912345678", .text: Self.hostileText, .reference: "17-0", .username: "u\"1"])
        let object = try #require(try JSONReader.parse(body).objectValue)
        let members = Dictionary(uniqueKeysWithValues: object.members.map { ($0.key, $0.value) })
        #expect(members["to"] == .string("0912345678"))
        #expect(members["message"] == .string(UnicodeText.nfc(Self.hostileText)))
        #expect(members["ref"] == .string("17-0"))
        #expect(members["auth"] == .object(JSONObject([.init(key: "user", value: .string("u\"1"))])))
        #expect(body.last == UInt8(ascii: "}"), "the file's trailing line break is not part of the body")
    }

    @Test func formValuesArePercentEncoded() throws {
        let template = try SMSBodyTemplate(text: "Phone={phone}&Content={text}&Brandname={sender}&RequestId={reference}\n", format: .form)
        let body = String(decoding: template.render([.phone: "0912345678", .text: "a&b=c d+đ", .sender: "NHCSXH", .reference: "3-1"]), as: UTF8.self)
        #expect(body == "Phone=0912345678&Content=a%26b%3Dc%20d%2B%C4%91&Brandname=NHCSXH&RequestId=3-1")
        let decoded = try #require(URLComponents(string: "http://x/?" + body)?.queryItems)
        #expect(decoded.first { $0.name == "Content" }?.value == "a&b=c d+đ")
    }

    @Test(arguments: [
        (#"{"to":"{phone}","text":"{text}","x":"{phone_number}"}"#, SMSBodyTemplate.Format.json, "unknown placeholder {phone_number}"),
        (#"{"to":"{phone}"}"#, .json, "no {text}"),
        (#"{"to":{phone},"text":"{text}"}"#, .json, "inside a JSON string"),
        ("to={phone}&text={text}&note=a b", .form, "no spaces"),
        ("text={text}", .form, "no {phone}"),
    ])
    func refusesTemplatesThatWouldSendGarbage(text: String, format: SMSBodyTemplate.Format, expected: String) {
        let error = #expect(throws: SMSGatewayConfigurationError.self) { try SMSBodyTemplate(text: text, format: format) }
        #expect(error?.description.contains(expected) == true, "\(String(describing: error))")
    }
}
