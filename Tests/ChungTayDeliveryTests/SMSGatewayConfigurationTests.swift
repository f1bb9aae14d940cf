@testable import ChungTayDelivery
import Foundation
import Testing

@Suite struct SMSGatewayConfigurationTests {
    static let json = try! SMSBodyTemplate(text: #"{"to":"{phone}","text":"{text}"}"#, format: .json)
    static let basic = SMSCredentials(username: "an", password: "bí mật")

    @Test func plainHTTPOnlyOnLoopbackUnlessInsecure() throws {
        for url in ["http://127.0.0.1:8080/sms", "http://localhost/sms", "http://[::1]:9/x", "https://sms.example.vn/api"] {
            _ = try SMSGatewayConfiguration(url: url, credentials: Self.basic, template: Self.json, sender: nil, insecure: false)
        }
        let error = #expect(throws: SMSGatewayConfigurationError.self) {
            try SMSGatewayConfiguration(url: "http://10.0.0.5/sms", credentials: Self.basic, template: Self.json, sender: nil, insecure: false)
        }
        #expect(error?.description.contains("--insecure") == true)
        _ = try SMSGatewayConfiguration(url: "http://10.0.0.5/sms", credentials: Self.basic, template: Self.json, sender: nil, insecure: true)
        for url in ["ftp://x/y", "sms.example.vn", "https://an:pw@sms.example.vn/"] {
            #expect(throws: SMSGatewayConfigurationError.self) {
                try SMSGatewayConfiguration(url: url, credentials: Self.basic, template: Self.json, sender: nil, insecure: true)
            }
        }
    }

    @Test func credentialsNotPlacedInTheBodyGoInTheHeader() throws {
        func header(_ credentials: SMSCredentials, _ template: String) throws -> String? {
            try SMSGatewayConfiguration(
                url: "https://g.vn/", credentials: credentials, template: SMSBodyTemplate(text: template, format: .json), sender: nil, insecure: false
            ).authorization
        }
        #expect(try header(Self.basic, #"{"to":"{phone}","text":"{text}"}"#) == "Basic " + Data("an:bí mật".utf8).base64EncodedString())
        #expect(try header(SMSCredentials(token: "t0k"), #"{"to":"{phone}","text":"{text}"}"#) == "Bearer t0k")
        #expect(try header(Self.basic, #"{"u":"{username}","p":"{password}","to":"{phone}","text":"{text}"}"#) == nil)
        let both = SMSCredentials(username: "an", password: "pw", token: "t")
        #expect(try header(both, #"{"k":"{token}","to":"{phone}","text":"{text}"}"#)?.hasPrefix("Basic ") == true)
        #expect(throws: SMSGatewayConfigurationError.self) { try header(both, #"{"to":"{phone}","text":"{text}"}"#) }
    }

    @Test func aPlaceholderNeedsItsValue() throws {
        let template = try SMSBodyTemplate(text: #"{"from":"{sender}","to":"{phone}","text":"{text}","key":"{token}"}"#, format: .json)
        let noSender = #expect(throws: SMSGatewayConfigurationError.self) {
            try SMSGatewayConfiguration(url: "https://g.vn/", credentials: SMSCredentials(token: "t"), template: template, sender: nil, insecure: false)
        }
        #expect(noSender?.description.contains("--sms-sender") == true)
        #expect(throws: SMSGatewayConfigurationError.self) {
            try SMSGatewayConfiguration(url: "https://g.vn/", credentials: Self.basic, template: template, sender: "NHCSXH", insecure: false)
        }
    }

    @Test func acceptMemberIsNameEqualsValue() throws {
        #expect(try SMSAcceptMember(parsing: "status=ok") == SMSAcceptMember(parsing: "status=ok"))
        let member = try SMSAcceptMember(parsing: "CodeResult=100")
        #expect(member.name == "CodeResult" && member.value == "100")
        #expect(throws: SMSGatewayConfigurationError.self) { try SMSAcceptMember(parsing: "=ok") }
        #expect(throws: SMSGatewayConfigurationError.self) { try SMSAcceptMember(parsing: "status") }
    }
}
