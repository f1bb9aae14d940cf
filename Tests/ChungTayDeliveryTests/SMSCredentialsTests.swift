@testable import ChungTayDelivery
import Foundation
import Testing

#if canImport(Glibc)
import Glibc
#endif

@Suite struct SMSCredentialsTests {
    @Test func readsNamesAndValuesSkippingCommentsAndSpaces() throws {
        let files = try TemporaryFiles()
        defer { files.remove() }
        let path = try files.write("sms.credentials", "# the bank's account\n username = nhct_xa_1 \n\npassword=p@ss=word#1\n")
        let credentials = try SMSCredentials.read(path: path)
        #expect(credentials == SMSCredentials(username: "nhct_xa_1", password: "p@ss=word#1"))
        #expect(credentials.description == "SMSCredentials(username, password)")
        #expect(try SMSCredentials.read(path: files.write("token", "token=abc.def\n")).token == "abc.def")
    }

    @Test func refusesAFileOthersMayRead() throws {
        let files = try TemporaryFiles()
        defer { files.remove() }
        for mode: mode_t in [0o640, 0o604, 0o644] {
            let path = try files.write("open-\(mode)", "token=abc\n", mode: mode)
            let error = #expect(throws: SMSGatewayConfigurationError.self) { try SMSCredentials.read(path: path) }
            #expect(error?.description.contains("readable by others") == true)
            #expect(error?.description.contains("abc") == false)
        }
    }

    @Test func refusesALinkADirectoryAndAFifo() throws {
        let files = try TemporaryFiles()
        defer { files.remove() }
        let target = try files.write("real", "token=abc\n")
        let link = files.directory.appendingPathComponent("link").path
        try FileManager.default.createSymbolicLink(atPath: link, withDestinationPath: target)
        #expect(try SMSCredentials.read(path: target).token == "abc")
        let linked = #expect(throws: SMSGatewayConfigurationError.self) { try SMSCredentials.read(path: link) }
        #expect(linked?.description.contains("symbolic link") == true)
        #expect(throws: SMSGatewayConfigurationError.self) { try SMSCredentials.read(path: files.directory.path) }
        let fifo = files.directory.appendingPathComponent("fifo").path
        #expect(mkfifo(fifo, 0o600) == 0)
        let piped = #expect(throws: SMSGatewayConfigurationError.self) { try SMSCredentials.read(path: fifo) }
        #expect(piped?.description.contains("not a regular file") == true)
    }

    @Test(arguments: [
        ("user=a\npassword=b\n", "unknown name 'user'"),
        ("username=a\n", "go together"),
        ("token=a\ntoken=b\n", "given twice"),
        ("token=\n", "empty"),
        ("token=a\u{7}b\n", "control character"),
        ("# nothing\n", "no credentials"),
        ("token abc\n", "expected name=value"),
    ])
    func refusesMalformedFilesWithoutEchoingValues(text: String, expected: String) throws {
        let files = try TemporaryFiles()
        defer { files.remove() }
        let error = #expect(throws: SMSGatewayConfigurationError.self) { try SMSCredentials.read(path: files.write("c", text)) }
        #expect(error?.description.contains(expected) == true, "\(String(describing: error))")
    }
}
