@testable import ChungTayBatchInput
import ChungTayCoding
import Foundation
import Testing

/// An office list's converted copies hold personal data: none may keep a name on disk,
/// so that nothing is left behind when `batch submit` is interrupted or killed.
@Suite("SpoolFile: no converted list on disk")
struct SpoolFileTests {
    static let header = "Mã hộ;Họ và tên chủ hộ;Số CCCD;Thu nhập bình quân đầu người/tháng\r\n"

    /// `fstat` of a prepared list's spool; nil for a machine file.
    static func status(of list: PreparedList) -> stat? {
        guard let spool = list.spool else { return nil }
        var status = stat()
        return fstat(spool.descriptor, &status) == 0 ? status : nil
    }

    /// The names `SpoolFile` would create in the temporary directory.
    static func spoolNames() throws -> Set<String> {
        let base = ProcessInfo.processInfo.environment["TMPDIR"].flatMap { $0.isEmpty ? nil : $0 } ?? "/tmp"
        return Set(try FileManager.default.contentsOfDirectory(atPath: base).filter { $0.hasPrefix("chungtay-list.") })
    }

    @Test("after prepare() no file named chungtay-list.* exists, and the list still reads, in both passes")
    func nothingNamed() throws {
        let files = try TestFiles()
        let text = Self.header + "TL-1;Nguyễn Văn An;060123456789;4.965.000\r\nTL-2;Trần Thị Bích;060123456790;1.200.000\r\n"
        let utf8 = try files.write("households.csv", text)
        let legacy = try files.write("legacy.csv", bytes: try #require(LegacyEncoding.windows1258.encode(text)))
        let before = try Self.spoolNames()
        for path in [utf8, legacy] {
            let list = try ListPreparation.prepare(path: path, list: .households)
            // Neither the spool nor a legacy file's UTF-8 copy has a name.
            #expect(try Self.spoolNames().subtracting(before).isEmpty)
            let status = try #require(Self.status(of: list))
            #expect(status.st_nlink == 0)
            #expect(status.st_mode & 0o777 == 0o600)
            let records = try readAll(list)
            #expect(records.map(\.line) == [2, 3])
            #expect(records[1].record["monthlyIncomePerCapita"] == .number(DecimalNumber(1_200_000)))
            // Pass 1 and pass 2 reopen it by its source, as batch submit does.
            let index = try ListIndex(households: list, loans: nil)
            #expect(index.householdCount == 2)
            let chunks = try ChunkPlanner(index: index, batch: BatchHeader(id: "b", asOf: "2026-01-01", whatIf: false), chunkSize: 1)
                .chunks(from: 0)
            var count = 0
            while try chunks.next() != nil { count += 1 }
            #expect(count == 2)
        }
    }

    @Test("the spool's descriptor is not inherited by child processes")
    func closeOnExec() throws {
        let spool = try SpoolFile()
        #expect(fcntl(spool.descriptor, F_GETFD) & FD_CLOEXEC != 0)
    }
}
